/** Where a team's pages live; the team switcher and every team link go through here. */
import { fillPath, matchPath } from "./route-match";

export type TeamPage = "keys" | "members" | "usage";

export const TEAM_PAGES: readonly { page: TeamPage; label: string }[] = [
  { page: "keys", label: "Keys" },
  { page: "members", label: "Members" },
  { page: "usage", label: "Usage" },
];

export function teamPath(teamId: string, page: TeamPage = "keys"): string {
  return fillPath(`/teams/:teamId/${page}`, { teamId });
}

/** The team whose page this is, or null on a personal page. */
export function teamIdOf(pathname: string): string | null {
  return matchPath("/teams/:teamId/:page", pathname)?.teamId ?? null;
}

export function invitationLink(origin: string, invitationId: string): string {
  return `${origin}${fillPath("/invite/:invitationId", { invitationId })}`;
}
