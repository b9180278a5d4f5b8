/**
 * The gateway's ledger and limits as the web app calls them: `GET /api/usage`, `GET /api/limits`,
 * and `PUT { limits }` on a token or a team member (a key's limits go through the library's
 * updateApiKey, which keeps its cached list right).
 */
import { callApi as call } from "./api-call";
import type { Limits, LimitOverview, UsageGroup, UsageReport } from "../../../src/shared/limits.js";

const id = (value: string) => encodeURIComponent(value);
const DAY_MS = 86_400_000;

/** What a limit belongs to, as `GET /api/limits` names it (a member by their user id). */
export type LimitSubject = { kind: "key"; id: string } | { kind: "token"; id: string } | { kind: "member"; teamId: string; id: string };

export function gatewayApi(baseUrl: string) {
  return {
    /** The last `days` days up to now, grouped; with a team, its requests (the server decides whose, by role). */
    usage: (days: number, groupBy: UsageGroup, teamId?: string, now = Date.now()) => {
      const q = new URLSearchParams({ from: new Date(now - days * DAY_MS).toISOString(), to: new Date(now).toISOString(), groupBy });
      if (teamId !== undefined) q.set("teamId", teamId);
      return call<UsageReport>(baseUrl, "GET", `/api/usage?${q}`);
    },
    limits: () => call<LimitOverview>(baseUrl, "GET", "/api/limits"),
    setTokenLimits: (tokenId: string, limits: Limits | null) => call<unknown>(baseUrl, "PUT", `/api/tokens/${id(tokenId)}`, { limits }),
    setMemberLimits: (teamId: string, userId: string, limits: Limits | null) =>
      call<unknown>(baseUrl, "PUT", `/api/teams/${id(teamId)}/members/${id(userId)}`, { limits }),
  };
}
