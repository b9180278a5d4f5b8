/**
 * Keyhaven's own team routes (/api/teams) and a team's keys (/api/api-keys?teamId=): the web
 * app's, kept out of `keyhaven/react`'s client like the admin routes.
 */
import { callApi as call } from "./api-call";
import { LIST_PAGE_MAX } from "../../../src/shared/list-page.js";
import type { ApiKey, ApiKeyList, CreateKeyBody, TeamList, TeamUsage, TestKeyBody, TestResult } from "../../../src/shared/api-schemas.js";

const id = (value: string) => encodeURIComponent(value);

export function teamsApi(baseUrl: string) {
  return {
    list: () => call<TeamList>(baseUrl, "GET", "/api/teams"),
    setPreferred: (teamId: string | null) => call<{ preferredTeamId: string | null }>(baseUrl, "PUT", "/api/teams/preferred", { teamId }),
    usage: (teamId: string, days: number) => call<TeamUsage>(baseUrl, "GET", `/api/teams/${id(teamId)}/usage?days=${days}`),
    /** Every key of the team, following `nextCursor` to the last page. */
    async keys(teamId: string): Promise<ApiKey[]> {
      const all: ApiKey[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ teamId, limit: String(LIST_PAGE_MAX) });
        if (cursor) query.set("cursor", cursor);
        const page: ApiKeyList = await call<ApiKeyList>(baseUrl, "GET", `/api/api-keys?${query}`);
        all.push(...page.apiKeys);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
    createKey: (body: CreateKeyBody & { teamId: string }) => call<ApiKey>(baseUrl, "POST", "/api/api-keys", body),
    /** A value tested before it is saved as the team's. */
    testKey: (teamId: string, body: TestKeyBody) => call<TestResult>(baseUrl, "POST", `/api/api-keys/test?teamId=${id(teamId)}`, body),
  };
}
