import { CircleAlert, TriangleAlert } from "lucide-react";
import { formatCount, formatDate, formatDateTime, formatRelative } from "../lib/format-date";
import { budgetBar, formatUsd, KIND_LABELS } from "../lib/gateway-usage";
import type { LimitAlert, LimitOverview, LimitStatus } from "../../../src/shared/limits.js";
import { Panel } from "./panel";

const PERIOD_WORD = { day: "today", week: "this week", month: "this month" } as const;

function rates(l: LimitStatus["limits"]): string | null {
  const parts = [
    l.requestsPerMinute != null && `${formatCount(l.requestsPerMinute)} requests/min`,
    l.tokensPerMinute != null && `${formatCount(l.tokensPerMinute)} tokens/min`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : null;
}

/** One budget: spent (coloured at 80% and 100%), reserved by requests in flight (lighter), when it resets. */
function BudgetRow({ status }: { status: LimitStatus }) {
  const name = status.name ?? "Deleted";
  const rate = rates(status.limits);
  const b = status.budget;
  const bar = b && budgetBar(b);
  return (
    <li className={`budget${bar ? ` budget--${bar.level}` : ""}`} data-testid="budget-row" data-kind={status.kind} data-id={status.id}>
      <div className="budget__head">
        <span className="budget__name">{name}</span>
        <span className="budget__kind">{KIND_LABELS[status.kind]}</span>
        {b && bar && (
          <span className="budget__figures" data-testid="budget-figures">
            {formatUsd(b.spentUsd)} of {formatUsd(b.usd)} {PERIOD_WORD[b.period]}
          </span>
        )}
      </div>
      {b && bar && (
        <>
          <div
            className="budget__bar"
            role="meter"
            aria-label={`${name}: budget spent`}
            aria-valuemin={0}
            aria-valuemax={b.usd}
            aria-valuenow={Math.min(b.spentUsd, b.usd)}
            aria-valuetext={`${formatUsd(b.spentUsd)} of ${formatUsd(b.usd)} (${bar.percent}%)`}
          >
            <span className="budget__spent" style={{ width: `${bar.spent * 100}%` }} />
            {bar.reserved > 0 && <span className="budget__reserved" style={{ width: `${bar.reserved * 100}%` }} />}
          </div>
          <p className="budget__meta">
            <span className="budget__percent">{bar.percent}%</span>
            {b.reservedUsd > 0 && <span>{formatUsd(b.reservedUsd)} reserved by requests in flight</span>}
            <span title={formatDateTime(b.periodEnd)}>Resets {formatDate(b.periodEnd)}</span>
          </p>
        </>
      )}
      {rate && <p className="budget__meta">{b ? rate : `No budget · ${rate}`}</p>}
    </li>
  );
}

function AlertItem({ alert }: { alert: LimitAlert }) {
  const over = alert.threshold >= 100;
  return (
    <li className={`budget-alert${over ? " budget-alert--over" : ""}`}>
      {/* 100% is what stops requests: announced; 80% politely. */}
      <p role={over ? "alert" : "status"} className="budget-alert__text">
        {over ? <CircleAlert size={16} aria-hidden="true" /> : <TriangleAlert size={16} aria-hidden="true" />}
        <span>{alert.message}</span>
      </p>
      <span className="budget-alert__when" title={formatDateTime(alert.at)}>
        {formatRelative(alert.at)}
      </span>
    </li>
  );
}

/** Every budget and rate limit the person can see (`GET /api/limits`), and the budget alerts of the last 30 days; `empty` says why there are none. */
export function BudgetPanel({ overview, empty }: { overview: LimitOverview; empty?: string }) {
  const withBudget = overview.limits.filter((l) => l.budget);
  const ratesOnly = overview.limits.filter((l) => !l.budget);
  return (
    <Panel titleId="budgets-title" title="Budgets and limits" meta={withBudget.length ? `${withBudget.length} budget${withBudget.length === 1 ? "" : "s"}` : undefined}>
      {overview.limits.length === 0 ? (
        <p className="muted panel__empty">{empty ?? "No limits yet. Set a budget or a rate limit with “Limits” on a key, an access token or a team member."}</p>
      ) : (
        <ul className="budget-list" aria-labelledby="budgets-title">
          {[...withBudget, ...ratesOnly].map((l) => (
            <BudgetRow key={`${l.kind}:${l.teamId ?? ""}:${l.id}`} status={l} />
          ))}
        </ul>
      )}
      {overview.alerts.length > 0 && (
        <>
          <p className="budget-alerts__title" id="budget-alerts-title">
            Recent alerts
          </p>
          <ul className="budget-alerts" aria-labelledby="budget-alerts-title" data-testid="budget-alerts">
            {overview.alerts.map((a) => (
              <AlertItem key={a.id} alert={a} />
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
