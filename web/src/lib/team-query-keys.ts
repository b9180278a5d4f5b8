/**
 * Query keys of the team pages, under the app's "keyhaven" root so signing out forgets them.
 * A team's keys sit under the library's "api-keys" key: every change the library's hooks make
 * to a key (edit, rotate, delete, test) then refetches the team's list too.
 */
import { keyhavenQueryKeys } from "../keyhaven";

export const teamQueryKeys = {
  /** Every team query: the list, and each team's members and usage. */
  teams: (baseUrl: string) => [...keyhavenQueryKeys.all(baseUrl), "teams"] as const,
  full: (baseUrl: string, teamId: string) => [...keyhavenQueryKeys.all(baseUrl), "teams", teamId, "full"] as const,
  usage: (baseUrl: string, teamId: string, days: number) => [...keyhavenQueryKeys.all(baseUrl), "teams", teamId, "usage", days] as const,
  keys: (baseUrl: string, teamId: string) => [...keyhavenQueryKeys.apiKeys(baseUrl), "team", teamId] as const,
  invitation: (baseUrl: string, invitationId: string) => [...keyhavenQueryKeys.all(baseUrl), "invitations", invitationId] as const,
};
