/**
 * Two real server processes (`node bin/keyhaven.mjs serve`) on one database — the same data dir
 * on SQLite, the same PostgreSQL schema — as two replicas behind a balancer. A member removed
 * from a team, or whose role changes, through one of them is treated accordingly by the other
 * on the very next request: membership and role are read from the database on every hand-out
 * and every check, no instance caches them.
 *
 * A starts (and migrates) before B starts, so the two never race on migrations.
 */
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { callPair, pairJson, startServerPair, stopPairsAfterAll, TWO_STARTS_MS, type PairServer } from "../support/server-pair.js";
import { cookieHeaderFrom, DEFAULT_PASSWORD, openaiKey, unique } from "../support/http-app.js";
import { orgRoute } from "../support/teams.js";

const ENV_OPENAI = "sk-env-replicas-00000000000000000000";

const cleanups = stopPairsAfterAll();


interface Person {
  id: string;
  email: string;
  cookie: string;
}

async function signUp(server: PairServer): Promise<Person> {
  const email = `replica-${unique()}@example.com`;
  const res = await callPair(server, "POST", "/api/auth/sign-up/email", { body: { email, password: DEFAULT_PASSWORD, name: "Replica" } });
  const body = await pairJson(res.clone(), 200);
  return { id: body.user.id, email, cookie: cookieHeaderFrom(res) };
}

describeEachDatabase("team membership changed on one server process holds on the other at once", (dialect) => {
  let a: PairServer;
  let b: PairServer;
  let owner: Person;
  let teamId: string;
  let keyId: string;
  const teamValue = openaiKey();

  /** `person` invited (through `server`) and accepted; returns the member id. */
  async function join(server: PairServer, person: Person, role = "member"): Promise<string> {
    const inv = await pairJson(await callPair(server, "POST", orgRoute("invite-member"), { cookie: owner.cookie, body: { email: person.email, role, organizationId: teamId } }), 200);
    return (await pairJson(await callPair(server, "POST", orgRoute("accept-invitation"), { cookie: person.cookie, body: { invitationId: inv.id } }), 200)).member.id;
  }

  /** A personal token with only the `resolve` scope, made on `server`. */
  async function resolveToken(server: PairServer, person: Person): Promise<string> {
    return (await pairJson(await callPair(server, "POST", "/api/tokens", { cookie: person.cookie, body: { name: "resolve only", scopes: ["resolve"] } }), 201)).token;
  }

  const resolve = (server: PairServer, token: string) => callPair(server, "GET", "/api/resolve/openai", { bearer: token });
  const reveal = (server: PairServer, person: Person) => callPair(server, "GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: person.cookie });

  beforeAll(async () => {
    ({ a, b } = await startServerPair(dialect, { cleanups, prefix: "team", env: { OPENAI_API_KEY: ENV_OPENAI } }));
    owner = await signUp(a);
    teamId = (await pairJson(await callPair(a, "POST", orgRoute("create"), { cookie: owner.cookie, body: { name: "Replicated", slug: `rep-${unique()}`.toLowerCase() } }), 200)).id;
    keyId = (
      await pairJson(
        await callPair(a, "POST", "/api/api-keys", { cookie: owner.cookie, body: { name: "team key", service: "openai", value: teamValue, teamId, sharing: "use" } }),
        201,
      )
    ).id;
  }, TWO_STARTS_MS);

  it("removed through A: the member's very next resolve on B gets no team key", async () => {
    const member = await signUp(a);
    const memberId = await join(a, member);
    const token = await resolveToken(a, member);
    expect(await pairJson(await resolve(b, token), 200)).toMatchObject({ apiKey: teamValue, source: "team", teamId, keyId });

    await pairJson(await callPair(a, "POST", orgRoute("remove-member"), { cookie: owner.cookie, body: { memberIdOrEmail: memberId, organizationId: teamId } }), 200);
    const after = await pairJson(await resolve(b, token), 200);
    expect(after).toMatchObject({ apiKey: ENV_OPENAI, source: "env" });
    expect(JSON.stringify(after)).not.toContain(teamValue);
    // Nor does B show them the key any more.
    expect((await callPair(b, "GET", `/api/api-keys/${keyId}`, { cookie: member.cookie })).status).toBe(404);
  });

  it("removed through B: the member's very next resolve on A gets no team key", async () => {
    const member = await signUp(b);
    const memberId = await join(b, member);
    const token = await resolveToken(b, member);
    expect(await pairJson(await resolve(a, token), 200)).toMatchObject({ apiKey: teamValue, source: "team", teamId });

    await pairJson(await callPair(b, "POST", orgRoute("remove-member"), { cookie: owner.cookie, body: { memberIdOrEmail: memberId, organizationId: teamId } }), 200);
    expect(await pairJson(await resolve(a, token), 200)).toMatchObject({ apiKey: ENV_OPENAI, source: "env" });
    expect((await callPair(a, "GET", `/api/api-keys/${keyId}`, { cookie: member.cookie })).status).toBe(404);
  });

  it("a role changed on A holds on B at once: member → admin may reveal, admin → member may not", async () => {
    const person = await signUp(b);
    const memberId = await join(a, person);
    expect((await reveal(b, person)).status).toBe(403);

    const promoted = await pairJson(await callPair(a, "POST", orgRoute("update-member-role"), { cookie: owner.cookie, body: { memberId, role: "admin", organizationId: teamId } }), 200);
    expect(promoted.role).toBe("admin");
    expect((await pairJson(await reveal(b, person), 200)).value).toBe(teamValue);

    await pairJson(await callPair(a, "POST", orgRoute("update-member-role"), { cookie: owner.cookie, body: { memberId, role: "member", organizationId: teamId } }), 200);
    const refused = await pairJson(await reveal(b, person), 403);
    expect(refused.error.code).toBe("FORBIDDEN");
    expect(JSON.stringify(refused)).not.toContain(teamValue);
    // Still a member: the key is still theirs to use on B.
    const token = await resolveToken(b, person);
    expect(await pairJson(await resolve(b, token), 200)).toMatchObject({ apiKey: teamValue, source: "team" });
  });
});
