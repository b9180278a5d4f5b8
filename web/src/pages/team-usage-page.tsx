import { ChartColumn } from "lucide-react";
import { useId, useState } from "react";
import type { TeamSummary, TeamUsage } from "../../../src/shared/api-schemas.js";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { Panel } from "../components/panel";
import { ServiceIcon } from "../components/service-icon";
import { TeamFrame } from "../components/team-frame";
import { useTeamUsage } from "../hooks/use-team-usage";
import { formatCount, formatDay } from "../lib/format-date";
import { totalUses, usageByDay, usageByMemberAndKey } from "../lib/team-usage";
import type { RoutePageProps } from "../routes";

const PERIODS = [7, 30, 90] as const;

/** `/teams/:teamId/usage`: hand-outs of the team's keys per member and key, and per day; everyone's for admins, one's own for members. */
export function TeamUsagePage({ params }: RoutePageProps) {
  return <TeamFrame teamId={params.teamId}>{(team) => <TeamUsageBody team={team} />}</TeamFrame>;
}

function TeamUsageBody({ team }: { team: TeamSummary }) {
  const periodId = useId();
  const [days, setDays] = useState<number>(30);
  const usage = useTeamUsage(team.id, days);

  let body;
  if (usage.isLoading) body = <LoadingState label="Loading usage…" />;
  else if (usage.error || !usage.data) body = <ErrorState title="Couldn't load the team's usage" error={usage.error} onRetry={() => void usage.refetch()} />;
  else if (usage.data.rows.length === 0)
    body = (
      <EmptyState icon={<ChartColumn size={28} />} title={usage.data.scope === "all" ? "No use yet" : "You haven't used the team's keys yet"}>
        <p className="state__text">Each time an app fetches one of {team.name}'s keys, it counts here.</p>
      </EmptyState>
    );
  else body = <UsageTables usage={usage.data} />;

  return (
    <>
      <PageHeader
        title="Usage"
        description={`How often ${team.name}'s keys were handed out, over the last ${days} days.`}
        actions={
          <span className="team-usage__period">
            <label htmlFor={periodId}>Period</label>
            <select id={periodId} className="input select input--compact" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {PERIODS.map((d) => (
                <option key={d} value={d}>
                  Last {d} days
                </option>
              ))}
            </select>
          </span>
        }
      />
      {body}
    </>
  );
}

function UsageTables({ usage }: { usage: TeamUsage }) {
  const everyone = usage.scope === "all";
  const perKey = usageByMemberAndKey(usage.rows);
  const perDay = usageByDay(usage.rows);
  const maxDay = Math.max(1, ...perDay.map((d) => d.count));
  return (
    <div>
      <Panel titleId="team-usage-title" title={everyone ? "Everyone's use" : "Your use"} meta={`${formatCount(totalUses(usage.rows))} uses`}>
        <div className="table-wrap">
          <table className="table team-usage__table" aria-labelledby="team-usage-title" data-testid="team-usage-table">
            <thead>
              <tr>
                {everyone && <th scope="col">Member</th>}
                <th scope="col">Key</th>
                <th scope="col" className="num">
                  Uses
                </th>
              </tr>
            </thead>
            <tbody>
              {perKey.map((r) => (
                <tr key={`${r.userId}/${r.keyId}`}>
                  {everyone && (
                    <th scope="row">
                      <span className="team-usage__who">{r.who}</span>
                      {r.email && r.email !== r.who && <span className="muted team-usage__email">{r.email}</span>}
                    </th>
                  )}
                  <td>
                    <span className="cell-service">
                      <ServiceIcon service={r.service} size="sm" />
                      {r.keyName}
                    </span>
                  </td>
                  <td className="num">{formatCount(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel titleId="team-usage-days-title" title="Per day">
        <div className="table-wrap">
          <table className="table" aria-labelledby="team-usage-days-title" data-testid="team-usage-days">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Uses
                </th>
              </tr>
            </thead>
            <tbody>
              {perDay.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{formatDay(d.date)}</th>
                  <td className="num">
                    <span className="share">
                      <span className="share__bar" aria-hidden="true">
                        <span style={{ width: `${(d.count / maxDay) * 100}%` }} />
                      </span>
                      {formatCount(d.count)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
