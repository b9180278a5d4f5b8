/**
 * An in-memory stand-in for the team routes the web app calls — GET /api/teams, better-auth's
 * organization routes, team keys (`?teamId=`) — on top of the fake key API, for page tests.
 * It records each request with its body; it answers as the contract says, it does not enforce
 * permissions (the server's own tests do).
 */
import type { ApiKey, TeamSummary, TeamUsage } from "../../src/shared/api-schemas.js";
import type { LimitOverview, UsageRow } from "../../src/shared/limits.js";
import type { FullTeam, InvitationDetails, TeamInvitation } from "../../web/src/lib/organization-api";
import { createFakeApi } from "./fake-api";

export const ME = { id: "u1", email: "ada@example.com", name: "Ada" };

export interface FakeTeamsState {
  teams: TeamSummary[];
  preferredTeamId: string | null;
  full: Record<string, FullTeam>;
  teamKeys: Record<string, ApiKey[]>;
  usage: Record<string, TeamUsage>;
  invitations: Record<string, InvitationDetails | { status: number; code: string; message: string }>;
  /** `GET /api/usage` answers these rows whatever the query (the request is recorded); `GET /api/limits` this. */
  gatewayRows: UsageRow[];
  limits: LimitOverview;
}

export function team(t: Partial<TeamSummary> & Pick<TeamSummary, "id" | "name" | "role">): TeamSummary {
  return { slug: t.id, memberCount: 2, keyCount: 1, joinedAt: "2026-11-01T10:00:00.000Z", preferred: false, ...t };
}

export function teamKey(k: Partial<ApiKey> & Pick<ApiKey, "id" | "name" | "teamId" | "sharing">): ApiKey {
  const now = "2026-11-20T10:00:00.000Z";
  return {
    service: "openai", description: null, maskedValue: "sk-…team", isActive: true, isDefault: false, isExpired: false, expiresAt: null, config: {},
    usageCount: 3, lastUsedAt: null, lastTestedAt: null, lastTestStatus: null, createdAt: now, updatedAt: now,
    rotation: { everyDays: null, dueAt: null, lastRotatedAt: null }, ...k,
  };
}

export function createFakeTeamsApi(initial: Partial<FakeTeamsState> = {}) {
  const keysApi = createFakeApi();
  const state: FakeTeamsState = { teams: [], preferredTeamId: null, full: {}, teamKeys: {}, usage: {}, invitations: {}, gatewayRows: [], limits: { limits: [], alerts: [] }, ...initial };
  /** Every request, `METHOD /path?query`, with its JSON body. */
  const requests: { call: string; body: unknown }[] = [];
  let seq = 0;
  const json = (status: number, body?: unknown) => Response.json(body ?? null, { status });
  const authError = (status: number, code: string, message: string) => json(status, { code, message });

  async function fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input, "http://fake.test");
    const method = init.method ?? "GET";
    const body = init.body ? JSON.parse(init.body as string) : undefined;
    requests.push({ call: `${method} ${url.pathname}${url.search}`, body });
    const path = url.pathname;
    const org = path.startsWith("/api/auth/organization/") ? path.slice("/api/auth/organization/".length) : null;

    if (path === "/api/auth/get-session") return json(200, { user: ME, session: { id: "s1" } });
    if (path === "/api/teams" && method === "GET") return json(200, { teams: state.teams, preferredTeamId: state.preferredTeamId });
    if (path === "/api/teams/preferred" && method === "PUT") {
      state.preferredTeamId = body.teamId;
      state.teams = state.teams.map((t) => ({ ...t, preferred: t.id === body.teamId }));
      return json(200, { preferredTeamId: body.teamId });
    }
    if (path === "/api/usage" && method === "GET") {
      const groupBy = url.searchParams.get("groupBy") ?? "day";
      return json(200, { from: url.searchParams.get("from"), to: url.searchParams.get("to"), groupBy, rows: state.gatewayRows });
    }
    if (path === "/api/limits" && method === "GET") return json(200, state.limits);
    const usage = /^\/api\/teams\/([^/]+)\/usage$/.exec(path);
    if (usage) {
      const found = state.usage[decodeURIComponent(usage[1])];
      return found ? json(200, found) : json(404, { error: { code: "NOT_FOUND", message: "Team not found" } });
    }
    if (path === "/api/api-keys" && method === "GET" && url.searchParams.get("teamId")) {
      return json(200, { apiKeys: state.teamKeys[url.searchParams.get("teamId")!] ?? [], nextCursor: null });
    }
    if (path === "/api/api-keys" && method === "POST" && body.teamId) {
      const key = teamKey({ id: `tk_${++seq}`, name: body.name, service: body.service, teamId: body.teamId, sharing: body.sharing ?? "use", usageCount: 0 });
      (state.teamKeys[body.teamId] ??= []).unshift(key);
      return json(201, key);
    }
    if (org === "create") {
      const id = `team_${++seq}`;
      state.teams.push(team({ id, name: body.name, slug: body.slug, role: "owner", memberCount: 1, keyCount: 0 }));
      return json(200, { id, name: body.name, slug: body.slug });
    }
    if (org === "get-full-organization") {
      const found = state.full[url.searchParams.get("organizationId") ?? ""];
      return found ? json(200, found) : authError(400, "ORGANIZATION_NOT_FOUND", "Organization not found");
    }
    if (org === "invite-member") {
      const invitation: TeamInvitation = {
        id: `inv_${++seq}`, email: body.email, role: body.role, status: "pending", expiresAt: "2027-01-01T00:00:00.000Z",
      };
      state.full[body.organizationId]?.invitations.push(invitation);
      return json(200, invitation);
    }
    if (org === "get-invitation") {
      const found = state.invitations[url.searchParams.get("id") ?? ""];
      // As the server answers better-auth's INVITATION_NOT_FOUND (src/http/auth-error-words.ts).
      if (!found) return json(404, { error: { code: "NOT_FOUND", message: "This invitation can't be used: it has expired, was already used or declined, or was cancelled, or its team was deleted. Ask the team for a new one." } });
      return "code" in found ? authError(found.status, found.code, found.message) : json(200, found);
    }
    if (org === "accept-invitation") return json(200, { invitation: { id: body.invitationId }, member: { organizationId: "team_joined" } });
    if (org && method === "POST") return json(200, {});
    return keysApi.fetch(input, init);
  }

  return { fetch, state, requests, keysApi };
}
