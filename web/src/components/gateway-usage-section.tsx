import { CircleAlert, Info } from "lucide-react";
import { useState } from "react";
import { useGatewayUsage, useLimitOverview } from "../hooks/use-gateway-usage";
import { formatCount } from "../lib/format-date";
import { estimatedNote, formatUsd, teamLimits, unpricedNote, usageByDay, usageTotals } from "../lib/gateway-usage";
import { BudgetPanel } from "./budget-panel";
import { ErrorState } from "./error-state";
import { GatewayUsageChart } from "./gateway-usage-chart";
import { BREAKDOWN_LABELS, GatewayUsageTable, type Breakdown } from "./gateway-usage-table";
import { LoadingState } from "./loading-state";
import { Panel } from "./panel";
import { StatCard } from "./stat-card";

/**
 * Requests through `/gateway/…`: totals, per day, per key, model or token, with what is unknown
 * said out loud; and budgets. One's own, or with `teamId` the team's (whose requests, the server
 * decides by role) and only the limits on its keys and members.
 */
export function GatewayUsageSection({ days, teamId }: { days: number; teamId?: string }) {
  const perDay = useGatewayUsage(days, "day", teamId);
  const limits = useLimitOverview();

  let body;
  if (perDay.isLoading) body = <LoadingState label="Loading gateway usage…" />;
  else if (perDay.error || !perDay.data) body = <ErrorState title="Couldn't load gateway usage" error={perDay.error} onRetry={() => void perDay.refetch()} />;
  else {
    const totals = usageTotals(perDay.data.rows);
    const unpriced = unpricedNote(totals.unpricedRequests);
    const estimated = estimatedNote(totals.estimatedRequests);
    body = (
      <>
        <dl className="stat-grid gw-stats" data-testid="gateway-stats">
          <StatCard label={`Requests, ${days} days`} value={formatCount(totals.requests)} />
          <StatCard label="Input tokens" value={formatCount(totals.inputTokens)} />
          <StatCard label="Output tokens" value={formatCount(totals.outputTokens)} />
          <StatCard label={totals.unpricedRequests ? "Cost (priced requests)" : "Cost"} value={totals.costUsd === null ? (totals.requests ? "Unknown" : formatUsd(0)) : formatUsd(totals.costUsd)} />
        </dl>
        {(unpriced || estimated) && (
          <div className="gw-notes">
            {unpriced && (
              <p className="gw-note gw-note--unpriced" data-testid="unpriced-note">
                <CircleAlert size={16} aria-hidden="true" />
                <span>
                  <strong>{unpriced}.</strong> Keyhaven has no price for their model, so the cost above leaves them out.
                </span>
              </p>
            )}
            {estimated && (
              <p className="gw-note" data-testid="estimated-note">
                <Info size={16} aria-hidden="true" />
                <span>
                  <strong>{estimated}.</strong> The provider's answer carried no usage, so their tokens (and cost) are Keyhaven's estimate.
                </span>
              </p>
            )}
          </div>
        )}
        <GatewayUsageChart points={usageByDay(perDay.data.rows, days)} days={days} />
        {totals.requests > 0 && <BreakdownPanel days={days} teamId={teamId} />}
      </>
    );
  }

  return (
    <>
      {body}
      {limits.isLoading ? (
        <LoadingState label="Loading limits…" />
      ) : limits.error || !limits.data ? (
        <ErrorState title="Couldn't load the limits" error={limits.error} onRetry={() => void limits.refetch()} />
      ) : (
        <BudgetPanel
          overview={teamId === undefined ? limits.data : teamLimits(limits.data, teamId)}
          empty={teamId === undefined ? undefined : "No limits on this team's keys or members yet."}
        />
      )}
    </>
  );
}

function BreakdownPanel({ days, teamId }: { days: number; teamId?: string }) {
  const [by, setBy] = useState<Breakdown>("key");
  const report = useGatewayUsage(days, by, teamId);
  const switcher = (
    <span className="segmented" role="group" aria-label="Break down by">
      {(Object.keys(BREAKDOWN_LABELS) as Breakdown[]).map((b) => (
        <button key={b} type="button" className="segmented__option" aria-pressed={b === by} onClick={() => setBy(b)}>
          {BREAKDOWN_LABELS[b]}
        </button>
      ))}
    </span>
  );
  return (
    <Panel titleId="gateway-breakdown-title" title={`By ${BREAKDOWN_LABELS[by].toLowerCase()}`} meta={switcher}>
      {report.isLoading ? (
        <LoadingState label="Loading…" />
      ) : report.error || !report.data ? (
        <ErrorState title="Couldn't load this breakdown" error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <GatewayUsageTable by={by} rows={report.data.rows} labelledBy="gateway-breakdown-title" />
      )}
    </Panel>
  );
}
