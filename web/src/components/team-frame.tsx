import { UsersRound } from "lucide-react";
import type { ReactNode } from "react";
import type { TeamSummary } from "../../../src/shared/api-schemas.js";
import { useTeam } from "../hooks/use-teams";
import { AppLink } from "./app-link";
import { EmptyState } from "./empty-state";
import { ErrorState } from "./error-state";
import { LoadingState } from "./loading-state";

/**
 * A team page's outer part: the team (with the viewer's role) once the team list has it, or
 * loading, the error, or "not in this team" (a wrong link, a team one left or that was deleted).
 */
export function TeamFrame({ teamId, children }: { teamId: string; children: (team: TeamSummary) => ReactNode }) {
  const { team, isLoading, isFetching, error, refetch } = useTeam(teamId);
  // Not in the list while it refetches: a team just made or joined, not yet in the cached list.
  if (isLoading || (!team && isFetching)) return <LoadingState label="Loading the team…" />;
  if (error && !team) return <ErrorState title="Couldn't load your teams" error={error} onRetry={() => void refetch()} />;
  if (!team)
    return (
      <EmptyState icon={<UsersRound size={28} />} title="You're not in this team">
        <p className="state__text">
          It may have been deleted, or you left it. <AppLink to="/settings/teams" className="link">See your teams</AppLink>
        </p>
      </EmptyState>
    );
  return (
    <>
      <p className="page-eyebrow" data-testid="team-eyebrow">
        Team · {team.name}
      </p>
      {children(team)}
    </>
  );
}
