import { Plus, UsersRound } from "lucide-react";
import { useState } from "react";
import type { TeamSummary } from "../../../src/shared/api-schemas.js";
import { TEAM_ROLE_LABELS } from "../../../src/shared/team-roles.js";
import { AppLink } from "../components/app-link";
import { EmptyState } from "../components/empty-state";
import { ListBody } from "../components/list-body";
import { NewTeamDialog } from "../components/new-team-dialog";
import { Notice, useNotice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { Panel } from "../components/panel";
import { PreferredTeamField } from "../components/preferred-team-field";
import { useTeams } from "../hooks/use-teams";
import { formatDate } from "../lib/format-date";
import { teamPath } from "../lib/team-paths";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Settings → Teams: the teams one is in, with one's role, and which team's keys hand-outs prefer. */
export function TeamsSettingsPage() {
  const teams = useTeams();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useNotice();
  const list = teams.data?.teams ?? [];
  // ListBody wants a list query; the page's list is inside the answer.
  const listQuery = { data: teams.data?.teams, isLoading: teams.isLoading, error: teams.error, refetch: teams.refetch };

  return (
    <>
      <p className="page-eyebrow">Settings</p>
      <PageHeader
        title="Teams"
        description={list.length ? `You're in ${plural(list.length, "team")}.` : "Teams share keys: members' apps use them, admins manage them."}
        actions={
          <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden="true" />
            New team
          </button>
        }
      />
      <Notice message={notice} />
      <ListBody
        query={listQuery}
        loadingLabel="Loading your teams…"
        errorTitle="Couldn't load your teams"
        empty={
          <EmptyState icon={<UsersRound size={28} />} title="You're not in any team yet">
            <p className="state__text">Make one to share keys with the people you work with, or open an invitation link someone sent you.</p>
          </EmptyState>
        }
      >
        {(list) => (
          <div className="teams-settings">
            <ul className="admin-list" aria-label="Your teams">
              {list.map((team) => (
                <TeamRow key={team.id} team={team} />
              ))}
            </ul>
            {teams.data && (
              <Panel titleId="handouts-title" title="Hand-outs">
                <PreferredTeamField list={teams.data} onSaved={(name) => setNotice(name ? `Preferred team: ${name}` : "No preferred team")} />
              </Panel>
            )}
          </div>
        )}
      </ListBody>
      <NewTeamDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}

function TeamRow({ team }: { team: TeamSummary }) {
  return (
    <li className="admin-row admin-row--token" data-testid="team-row" data-team-id={team.id}>
      <div className="admin-row__main">
        <p className="admin-row__title">
          <AppLink to={teamPath(team.id)} className="admin-row__name link">
            {team.name}
          </AppLink>
          <span className="admin-tag admin-tag--admin">{TEAM_ROLE_LABELS[team.role]}</span>
          {team.preferred && <span className="admin-tag">Preferred</span>}
        </p>
        <p className="admin-row__sub">
          <span>{plural(team.memberCount, "member")}</span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>{plural(team.keyCount, "key")}</span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>Joined {formatDate(team.joinedAt)}</span>
        </p>
      </div>
    </li>
  );
}
