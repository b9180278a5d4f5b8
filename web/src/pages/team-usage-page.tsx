import { ChartColumn } from "lucide-react";
import { useState } from "react";
import type { TeamSummary, TeamUsage } from "../../../src/shared/api-schemas.js";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { GatewayUsageSection } from "../components/gateway-usage-section";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { Panel } from "../components/panel";
import { ServiceIcon } from "../components/service-icon";
import { TeamFrame } from "../components/team-frame";
import { UsageSection } from "../components/usage-section";
import { useTeamUsage } from "../hooks/use-team-usage";
import { formatCount, formatDay } from "../lib/format-date";
import { teamOffers } from "../lib/team-offers";
import { totalUses, usageByDay, usageByMemberAndKey } from "../lib/team-usage";
import type { RoutePageProps } from "../routes";

/**
 * `/teams/:teamId/usage`: as the personal Usage page, two things kept apart — requests through
 * the gateway with the team's keys, and hand-outs of its keys per member and key, and per day.
 * Everyone's for owners and admins, one's own for members (the server decides; the texts say so).
 */
export function TeamUsagePage({ params }: RoutePageProps) {
  return <TeamFrame teamId={params.teamId}>{(team) => <TeamUsageBody team={team} />}</TeamFrame>;
}

function TeamUsageBody({ team }: { team: TeamSummary }) {
  const everyone = teamOffers(team.role).usageAll;
  const [gatewayDays, setGatewayDays] = useState(30);
  const [days, setDays] = useState(30);
  const usage = useTeamUsage(team.id, days);
  const whose = everyone ? "members' apps" : "your apps";

  let handOuts;
  if (usage.isLoading) handOuts = <LoadingState label="Loading usage…" />;
  else if (usage.error || !usage.data) handOuts = <ErrorState title="Couldn't load the team's usage" error={usage.error} onRetry={() => void usage.refetch()} />;
  else if (usage.data.rows.length === 0)
    handOuts = (
      <EmptyState icon={<ChartColumn size={28} />} title={usage.data.scope === "all" ? "No use yet" : "You haven't used the team's keys yet"}>
        <p className="state__text">Each time an app fetches one of {team.name}'s keys, it counts here.</p>
      </EmptyState>
    );
  else handOuts = <UsageTables usage={usage.data} />;

  return (
    <>
      <PageHeader
        title="Usage"
        description={
          everyone
            ? `What every member's apps did with ${team.name}'s keys: requests through the gateway, and keys handed out.`
            : `What your apps did with ${team.name}'s keys: requests through the gateway, and keys handed out. You see your own use only; the team's owners and admins see everyone's.`
        }
      />
      <UsageSection
        name="gateway"
        title="Through the gateway"
        description={
          <>
            Requests {whose} sent to providers via <code>/gateway/…</code> with the team's keys: tokens and cost metered, limits enforced.
          </>
        }
        period={{ days: gatewayDays, onChange: setGatewayDays }}
      >
        <GatewayUsageSection days={gatewayDays} teamId={team.id} />
      </UsageSection>
      <UsageSection
        name="handouts"
        title="Hand-outs (library, /api/resolve)"
        description={
          <>
            How often the team's keys were handed out to {whose}: by the library or <code>/api/resolve</code> (Keyhaven never sees what they send), and to the gateway
            for each request it forwards.
          </>
        }
        period={{ days, onChange: setDays }}
      >
        {handOuts}
      </UsageSection>
    </>
  );
}

function UsageTables({ usage }: { usage: TeamUsage }) {
  const everyone = usage.scope === "all";
  const perKey = usageByMemberAndKey(usage.rows);
  const perDay = usageByDay(usage.rows);
  const uses = totalUses(usage.rows);
  const maxDay = Math.max(1, ...perDay.map((d) => d.count));
  return (
    <div>
      <Panel titleId="team-usage-title" title={everyone ? "Everyone's use" : "Your use"} meta={`${formatCount(uses)} use${uses === 1 ? "" : "s"}`}>
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
