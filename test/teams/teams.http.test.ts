/**
 * Teams through the real app on both databases: a team, its members and roles, team keys with
 * use-only sharing, the hand-out order user → team → environment (library and /api/resolve),
 * removal taking effect on the next hand-out, per-member usage, deletion and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyProvider } from "../../src/provider/api-key-provider.js";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { accept, addMember, changeRole, createTeam, createTeamKey, invite, orgRoute, removeMember, type TestTeam } from "../support/teams.js";

const ENV_OPENAI = "sk-env-fallback-000000000000000000";

/** An error answer in our shape with this status and code (the words are pinned where they matter). */
async function refused(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text).error.code).toBe(code);
  return text;
}

describeEachDatabase("teams", (dialect) => {
  let h: HttpApp;
  let owner: SignedUpUser;
  let admin: SignedUpUser;
  let member: SignedUpUser;
  let outsider: SignedUpUser;
  let team: TestTeam;
  let memberId: string;
  let useKey: { id: string };
  let manageKey: { id: string };
  const useValue = openaiKey();
  const manageValue = "sk-ant-" + "m".repeat(40);

  const provider = () => createApiKeyProvider({ resolver: h.runtime.resolver });
  const get = (user: SignedUpUser, path: string) => h.request("GET", path, { cookie: user.cookie });

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { OPENAI_API_KEY: ENV_OPENAI } });
    [owner, admin, member, outsider] = await Promise.all([h.signUp(), h.signUp(), h.signUp(), h.signUp()]);
    team = await createTeam(h, owner, "Physics 101");
    await addMember(h, owner, team.id, admin, "admin");
    memberId = await addMember(h, owner, team.id, member, "member");
    useKey = await createTeamKey(h, owner, team.id, { name: "class key", service: "openai", value: useValue }, "use");
    manageKey = await createTeamKey(h, admin, team.id, { name: "claude", service: "anthropic", value: manageValue }, "manage");
  });
  afterAll(() => h?.close());

  describe("team keys", () => {
    it("a team key answers its team and sharing; members list it without its value", async () => {
      const list = await jsonOf(await get(member, `/api/api-keys?teamId=${team.id}`), 200);
      expect(list.apiKeys.map((k: { id: string }) => k.id).sort()).toEqual([useKey.id, manageKey.id].sort());
      const key = list.apiKeys.find((k: { id: string }) => k.id === useKey.id);
      expect(key).toMatchObject({ teamId: team.id, sharing: "use", name: "class key" });
      expect(JSON.stringify(list)).not.toContain(useValue);
      // The personal list stays personal.
      expect((await jsonOf(await get(member, "/api/api-keys"), 200)).apiKeys).toEqual([]);
    });

    it("a member cannot reveal, edit, delete, rotate or roll back a use-only key (403), nor a managed one", async () => {
      for (const key of [useKey, manageKey]) {
        await refused(await get(member, `/api/api-keys/${key.id}?includeValue=true`), 403, "FORBIDDEN");
        await refused(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: member.cookie, body: { name: "mine" } }), 403, "FORBIDDEN");
        await refused(await h.request("DELETE", `/api/api-keys/${key.id}`, { cookie: member.cookie }), 403, "FORBIDDEN");
        await refused(await h.request("POST", `/api/api-keys/${key.id}/rotate`, { cookie: member.cookie, body: { value: openaiKey() } }), 403, "FORBIDDEN");
        await refused(await h.request("POST", `/api/api-keys/${key.id}/rollback`, { cookie: member.cookie, body: { version: 1 } }), 403, "FORBIDDEN");
      }
      const res = await get(member, `/api/api-keys/${useKey.id}?includeValue=true`);
      expect(await res.text()).not.toContain(useValue);
    });

    it("under manage a member may see the history; under use not", async () => {
      await jsonOf(await get(member, `/api/api-keys/${manageKey.id}/versions`), 200);
      await refused(await get(member, `/api/api-keys/${useKey.id}/versions`), 403, "FORBIDDEN");
    });

    it("owners and admins reveal; a member cannot create a team key", async () => {
      expect((await jsonOf(await get(admin, `/api/api-keys/${useKey.id}?includeValue=true`), 200)).value).toBe(useValue);
      expect((await jsonOf(await get(owner, `/api/api-keys/${manageKey.id}?includeValue=true`), 200)).value).toBe(manageValue);
      await refused(
        await h.request("POST", "/api/api-keys", { cookie: member.cookie, body: { name: "x", service: "openai", value: openaiKey(), teamId: team.id } }),
        403,
        "FORBIDDEN",
      );
    });

    it("a non-member gets 404 for the team's keys, list and stats, as for a key that does not exist", async () => {
      await refused(await get(outsider, `/api/api-keys/${useKey.id}`), 404, "NOT_FOUND");
      await refused(await get(outsider, `/api/api-keys/${useKey.id}?includeValue=true`), 404, "NOT_FOUND");
      await refused(await get(outsider, `/api/api-keys?teamId=${team.id}`), 404, "NOT_FOUND");
      await refused(await get(outsider, `/api/api-keys/stats?teamId=${team.id}`), 404, "NOT_FOUND");
      await refused(await h.request("DELETE", `/api/api-keys/${useKey.id}`, { cookie: outsider.cookie }), 404, "NOT_FOUND");
    });

    it("sharing without a team is refused", async () => {
      await refused(
        await h.request("POST", "/api/api-keys", { cookie: member.cookie, body: { name: "x", service: "openai", value: openaiKey(), sharing: "use" } }),
        400,
        "VALIDATION_ERROR",
      );
    });
  });

  describe("hand-out: user → team → environment", () => {
    it("a member without a key of their own gets the team's, reported as the team's", async () => {
      const config = await provider().getServiceConfig(member.id, "openai");
      expect(config).toMatchObject({ apiKey: useValue, source: "team", teamId: team.id });
      const viaHttp = await jsonOf(await get(member, "/api/resolve/openai"), 200);
      expect(viaHttp).toMatchObject({ apiKey: useValue, source: "team", teamId: team.id, keyId: useKey.id });
    });

    it("the member's own key comes first", async () => {
      const u = await h.signUp();
      await addMember(h, owner, team.id, u);
      const own = openaiKey();
      await h.createKey(u, { name: "mine", service: "openai", value: own });
      expect(await provider().getServiceConfig(u.id, "openai")).toMatchObject({ apiKey: own, source: "user" });
    });

    it("a non-member gets the environment's", async () => {
      expect(await provider().getServiceConfig(outsider.id, "openai")).toMatchObject({ apiKey: ENV_OPENAI, source: "env" });
    });

    it("among several teams: the preferred one, else the oldest membership", async () => {
      const u = await h.signUp();
      const other = await createTeam(h, owner, "Chemistry");
      const otherValue = openaiKey();
      await createTeamKey(h, owner, other.id, { name: "chem", service: "openai", value: otherValue });
      await addMember(h, owner, team.id, u);
      await addMember(h, owner, other.id, u);
      expect(await provider().getApiKey(u.id, "openai")).toBe(useValue);
      await jsonOf(await h.request("PUT", "/api/teams/preferred", { cookie: u.cookie, body: { teamId: other.id } }), 200);
      expect(await provider().getApiKey(u.id, "openai")).toBe(otherValue);
      const teams = await jsonOf(await get(u, "/api/teams"), 200);
      expect(teams.preferredTeamId).toBe(other.id);
      expect(teams.teams.map((t: { id: string; role: string }) => [t.id, t.role])).toEqual([
        [team.id, "member"],
        [other.id, "member"],
      ]);
      await refused(await h.request("PUT", "/api/teams/preferred", { cookie: outsider.cookie, body: { teamId: other.id } }), 404, "NOT_FOUND");
    });

    it("a removed member gets nothing from the team on the very next hand-out", async () => {
      const u = await h.signUp();
      const id = await addMember(h, owner, team.id, u);
      expect(await provider().getApiKey(u.id, "openai")).toBe(useValue);
      await jsonOf(await removeMember(h, admin, team.id, id), 200);
      expect(await provider().getServiceConfig(u.id, "openai")).toMatchObject({ apiKey: ENV_OPENAI, source: "env" });
      await refused(await get(u, `/api/api-keys/${useKey.id}`), 404, "NOT_FOUND");
    });
  });

  describe("members and roles", () => {
    it("the last owner can neither leave nor be demoted", async () => {
      const res = await h.request("POST", orgRoute("leave"), { cookie: owner.cookie, body: { organizationId: team.id } });
      expect(res.status).toBe(400);
      const members = await jsonOf(await h.request("GET", `${orgRoute("get-full-organization")}?organizationId=${team.id}`, { cookie: owner.cookie }), 200);
      const ownerMember = members.members.find((m: { userId: string }) => m.userId === owner.id);
      expect((await changeRole(h, owner, team.id, ownerMember.id, "member")).status).toBe(400);
    });

    it("a member cannot invite, remove or change roles", async () => {
      expect((await h.request("POST", orgRoute("invite-member"), { cookie: member.cookie, body: { email: "x@example.com", role: "member", organizationId: team.id } })).status).toBe(403);
      const adminMember = (await jsonOf(await h.request("GET", `${orgRoute("get-full-organization")}?organizationId=${team.id}`, { cookie: owner.cookie }), 200)).members.find(
        (m: { userId: string }) => m.userId === admin.id,
      );
      expect((await removeMember(h, member, team.id, adminMember.id)).status).toBe(403);
      expect((await changeRole(h, member, team.id, memberId, "admin")).status).toBe(403);
    });

    it("an unknown role is refused", async () => {
      expect((await changeRole(h, owner, team.id, memberId, "superuser")).status).toBe(400);
    });
  });

  describe("invitations", () => {
    it("works once, only for the invited email", async () => {
      const u = await h.signUp();
      const inv = await invite(h, owner, team.id, u.email);
      expect((await accept(h, outsider, inv.id)).status).toBeGreaterThanOrEqual(400);
      expect((await accept(h, u, inv.id)).status).toBe(200);
      expect((await accept(h, u, inv.id)).status).toBeGreaterThanOrEqual(400);
    });

    it("an invitation to a deleted team cannot be accepted", async () => {
      const t = await createTeam(h, owner);
      const u = await h.signUp();
      const inv = await invite(h, owner, t.id, u.email);
      await jsonOf(await h.request("POST", orgRoute("delete"), { cookie: owner.cookie, body: { organizationId: t.id } }), 200);
      expect((await accept(h, u, inv.id)).status).toBeGreaterThanOrEqual(400);
    });
  });

  describe("usage per member", () => {
    it("admins see everyone's use of team keys per day; members their own", async () => {
      await provider().getApiKey(member.id, "openai");
      await provider().getApiKey(member.id, "openai");
      await h.runtime.usage.flush();
      const all = await jsonOf(await get(admin, `/api/teams/${team.id}/usage`), 200);
      expect(all.scope).toBe("all");
      const mine = all.rows.filter((r: { userId: string }) => r.userId === member.id);
      expect(mine.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBeGreaterThanOrEqual(2);
      expect(mine[0]).toMatchObject({ keyId: useKey.id, keyName: "class key", userEmail: member.email });
      const own = await jsonOf(await get(member, `/api/teams/${team.id}/usage`), 200);
      expect(own.scope).toBe("own");
      expect(own.rows.every((r: { userId: string }) => r.userId === member.id)).toBe(true);
      await refused(await get(outsider, `/api/teams/${team.id}/usage`), 404, "NOT_FOUND");
    });
  });

  describe("audit", () => {
    it("the team's owners and admins read its events; a member reads only their own", async () => {
      const forAdmin = await jsonOf(await get(admin, `/api/audit?teamId=${team.id}&limit=200`), 200);
      const actions = forAdmin.events.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["team.create", "team.invite", "team.join", "key.create", "team.remove_member"]));
      const mixed = await jsonOf(await get(owner, "/api/audit?limit=200"), 200);
      expect(mixed.events.some((e: { action: string }) => e.action === "team.join")).toBe(true);
      await refused(await get(member, `/api/audit?teamId=${team.id}`), 404, "NOT_FOUND");
      const own = await jsonOf(await get(member, "/api/audit?limit=200"), 200);
      expect(own.events.some((e: { action: string }) => e.action === "team.invite")).toBe(false);
      const everything = JSON.stringify([forAdmin, mixed, own]);
      expect(everything).not.toContain(useValue);
      expect(everything).not.toContain(manageValue);
    });
  });

  describe("deleting a team", () => {
    it("deletes its keys (audited) and nobody gets them any more", async () => {
      const t = await createTeam(h, owner);
      const u = await h.signUp();
      await addMember(h, owner, t.id, u);
      const key = await createTeamKey(h, owner, t.id, { name: "doomed", service: "groq", value: "gsk_" + "d".repeat(40) });
      expect(await provider().getApiKey(u.id, "groq")).toBeDefined();
      await jsonOf(await h.request("POST", orgRoute("delete"), { cookie: owner.cookie, body: { organizationId: t.id } }), 200);
      expect(await provider().getApiKey(u.id, "groq")).toBeUndefined();
      const rows = await h.runtime.database.db.selectFrom("api_keys").select("id").where("owner_id", "=", t.id).execute();
      expect(rows).toEqual([]);
      const events = await h.runtime.database.db.selectFrom("audit_events").select(["action", "target_id"]).where("team_id", "=", t.id).execute();
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["team.create", "team.join", "key.create", "key.delete", "team.delete"]));
      expect(events.find((e) => e.action === "key.delete")?.target_id).toBe(key.id);
    });
  });
});
