/**
 * The audit log through the real app on both databases: every key action a user, a token or
 * the library takes leaves one event naming its actor and target; `GET /api/audit` shows a
 * user their own events only, filtered and a page at a time; a token needs audit:read; and no
 * secret used here appears in any column of any audit row, nor in any answer of the route.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { cookieHeaderFrom, createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { startFakeProvider, fakeKey, type FakeProvider } from "../support/fake-provider.js";
import { createApiKeyProvider } from "../../src/provider/index.js";
import { verifyAuditChain } from "../../src/audit/audit-store.js";

describeEachDatabase("audit log over HTTP", (dialect) => {
  let h: HttpApp;
  let fake: FakeProvider;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const secrets: string[] = [];
  let keyId: string;
  let auditToken: string;
  let plainToken: string;

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp(dialect, { env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai` } });
    alice = await h.signUp();
    bob = await h.signUp();
    const value = fakeKey("openai", "valid");
    const second = openaiKey();
    secrets.push(value, second, alice.password, alice.sessionToken, bob.sessionToken);
    keyId = (await h.createKey(alice, { name: "Alice's OpenAI", service: "openai", value })).id;
    await h.createKey(bob, { name: "Bob's", service: "openai", value: openaiKey() });
    expect((await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { value: second, isActive: true } })).status).toBe(200);
    expect((await h.request("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: alice.cookie })).status).toBe(200);
    expect((await h.request("POST", "/api/api-keys/test", { cookie: alice.cookie, body: { keyId } })).status).toBe(200);
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "auditor", scopes: ["audit:read", "keys:write"] } }), 201);
    auditToken = made.token;
    plainToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ro", scopes: ["keys:read"] } }), 201)).token;
    secrets.push(auditToken, plainToken);
    const doomed = await h.createKey(alice, { name: "doomed", service: "openai", value: openaiKey() });
    expect((await h.request("DELETE", `/api/api-keys/${doomed.id}`, { origin: null, headers: { authorization: `Bearer ${auditToken}` } })).status).toBe(204);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  const audit = (query = "", cookie = alice.cookie) => h.request("GET", `/api/audit${query}`, { cookie });

  it("each key action is one event with its actor and target, newest first", async () => {
    const { events } = await jsonOf(await audit(), 200);
    const mine = events.map((e: any) => `${e.action} ${e.actor.type} ${e.target?.label ?? ""}`);
    expect(mine).toEqual([
      "key.delete token doomed",
      "key.create user doomed",
      "token.create user ro",
      "token.create user auditor",
      "key.test user Alice's OpenAI",
      "key.reveal user Alice's OpenAI",
      "key.update user Alice's OpenAI",
      "key.create user Alice's OpenAI",
    ]);
    const update = events.find((e: any) => e.action === "key.update");
    expect(update.details).toEqual({ fields: ["value", "isActive"], isActive: true });
    // The updated value is not one the fake provider accepts: the outcome is recorded as it was.
    expect(events.find((e: any) => e.action === "key.test").details).toEqual({ status: "invalid" });
    expect(events.find((e: any) => e.action === "key.delete").actor).toMatchObject({ type: "token", label: "auditor" });
    for (const e of events.filter((e: any) => e.action.startsWith("key."))) expect(e.target).toMatchObject({ type: "key", id: expect.stringMatching(/^key_/) });
    const made = events.find((e: any) => e.action === "token.create" && e.target.label === "auditor");
    expect(made).toMatchObject({ actor: { type: "user", id: alice.id }, target: { type: "token", id: expect.stringMatching(/^tok_/) } });
    expect(made.details).toEqual({ scopes: ["audit:read", "keys:write"], prefix: auditToken.slice(3, 11) });
  });

  it("a user sees only their own events", async () => {
    const { events } = await jsonOf(await audit("", bob.cookie), 200);
    expect(events.map((e: any) => e.action)).toEqual(["key.create"]);
    expect(JSON.stringify(events)).not.toContain(keyId);
  });

  it("filters by action and key, and pages with a cursor", async () => {
    const reveals = await jsonOf(await audit("?action=key.reveal"), 200);
    expect(reveals.events.map((e: any) => e.action)).toEqual(["key.reveal"]);
    const byKey = await jsonOf(await audit(`?keyId=${keyId}`), 200);
    expect(byKey.events).toHaveLength(4);
    const first = await jsonOf(await audit("?limit=4"), 200);
    expect(first.events).toHaveLength(4);
    const second = await jsonOf(await audit(`?limit=5&cursor=${first.nextCursor}`), 200);
    expect(second.events).toHaveLength(4);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.events, ...second.events].map((e: any) => e.id)).size).toBe(8);
    expect((await audit("?cursor=nonsense")).status).toBe(400);
    expect((await audit("?limit=0")).status).toBe(400);
    expect((await audit("?from=yesterday")).status).toBe(400);
  });

  it("a token reads it with audit:read, is refused without", async () => {
    const res = await h.request("GET", "/api/audit", { origin: null, headers: { authorization: `Bearer ${auditToken}` } });
    expect((await jsonOf(res, 200)).events.length).toBe(8);
    const refused = await h.request("GET", "/api/audit", { origin: null, headers: { authorization: `Bearer ${plainToken}` } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe("This token lacks the audit:read scope");
    expect((await h.request("GET", "/api/audit", { origin: null })).status).toBe(401);
  });

  it("everyone's events (all=true): the instance admin (the first account) only, with a session", async () => {
    const everyone = await jsonOf(await audit("?all=true&action=key.create"), 200);
    expect(everyone.events.map((e: any) => e.target.label).sort()).toEqual(["Alice's OpenAI", "Bob's", "doomed"]);
    const refused = await audit("?all=true", bob.cookie);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe("Only an instance admin may do that");
    const byToken = await h.request("GET", "/api/audit?all=true", { origin: null, headers: { authorization: `Bearer ${auditToken}` } });
    expect(byToken.status).toBe(403);
  });

  it("hand-outs are one key.use event per key, actor and minute, written with the usage flush", async () => {
    const provider = createApiKeyProvider({ resolver: h.runtime.resolver });
    const resolveToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "backend", scopes: ["resolve"] } }), 201)).token;
    secrets.push(resolveToken);
    for (let i = 0; i < 3; i++) await provider.getOpenAIApiKey(alice.id);
    for (let i = 0; i < 2; i++) await h.request("GET", "/api/resolve/openai", { origin: null, headers: { authorization: `Bearer ${resolveToken}` } });
    await h.runtime.usage.flush();
    const { events } = await jsonOf(await audit("?action=key.use"), 200);
    const byActor = Object.fromEntries(events.map((e: any) => [e.actor.type, e]));
    // Two minutes' events if the clock turned a minute in between: the counts add up either way.
    const count = (type: string) => events.filter((e: any) => e.actor.type === type).reduce((n: number, e: any) => n + e.details.count, 0);
    expect(count("system")).toBe(3);
    expect(count("token")).toBe(2);
    expect(byActor.token).toMatchObject({ actor: { label: "backend" }, target: { id: keyId, label: "Alice's OpenAI" }, });
    expect(byActor.system.details.minute).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  });

  it("token revocations and an admin's work on accounts and service tokens are events too, with the request's user agent", async () => {
    const ua = { "user-agent": "audit-test/1.0" };
    const listed = await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200);
    const ro = listed.tokens.find((t: any) => t.name === "ro");
    expect((await h.request("DELETE", `/api/tokens/${ro.id}`, { cookie: alice.cookie, headers: ua })).status).toBe(204);
    const carol = await jsonOf(
      await h.request("POST", "/api/admin/users", { cookie: alice.cookie, headers: ua, body: { email: "carol@example.com", name: "Carol", password: "correct horse battery" } }),
      201,
    );
    expect((await h.request("POST", `/api/admin/users/${carol.id}/disable`, { cookie: alice.cookie, headers: ua })).status).toBe(200);
    const svc = await jsonOf(await h.request("POST", "/api/admin/tokens", { cookie: alice.cookie, headers: ua, body: { name: "app", scopes: ["resolve"] } }), 201);
    secrets.push(svc.token);
    expect((await h.request("DELETE", `/api/admin/tokens/${svc.accessToken.id}`, { cookie: alice.cookie, headers: ua })).status).toBe(204);

    const { events } = await jsonOf(await audit("?all=true&limit=6"), 200);
    expect(events.map((e: any) => `${e.action} ${e.target.label}`)).toEqual([
      "admin.token_revoke app",
      "admin.token_create app",
      "admin.user_disable carol@example.com",
      "admin.user_create carol@example.com",
      "token.revoke ro",
      expect.any(String),
    ]);
    for (const e of events.slice(0, 5)) expect(e).toMatchObject({ actor: { type: "user", id: alice.id, label: expect.any(String) }, userAgent: "audit-test/1.0" });
    // Carol sees what was done to her account.
    const carolsRow = await h.runtime.database.db.selectFrom("audit_events").select("user_id").where("action", "=", "admin.user_disable").executeTakeFirst();
    expect(carolsRow?.user_id).toBe(carol.id);
  });

  it("sign-ins, failed sign-ins (filed under the account tried) and sign-outs", async () => {
    const ua = { "user-agent": "audit-test/2.0" };
    const wrong = "not the password at all";
    secrets.push(wrong);
    expect((await h.request("POST", "/api/auth/sign-in/email", { headers: ua, body: { email: alice.email, password: wrong } })).status).toBe(401);
    const signedIn = await h.request("POST", "/api/auth/sign-in/email", { headers: ua, body: { email: alice.email, password: alice.password } });
    expect(signedIn.status).toBe(200);
    const cookie = cookieHeaderFrom(signedIn);
    expect((await h.request("POST", "/api/auth/sign-out", { cookie, headers: ua, body: {} })).status).toBe(200);
    expect((await h.request("POST", "/api/auth/sign-in/email", { headers: ua, body: { email: "nobody@example.com", password: wrong } })).status).toBe(401);

    const { events } = await jsonOf(await audit("?limit=3"), 200);
    expect(events.map((e: any) => e.action)).toEqual(["auth.sign_out", "auth.sign_in", "auth.sign_in_failed"]);
    for (const e of events) expect(e).toMatchObject({ actor: { type: "user", id: alice.id }, target: { type: "user", id: alice.id, label: alice.email }, userAgent: "audit-test/2.0" });
    // The attempt on an email with no account is in the log (for admins), filed under nobody.
    const nobody = await h.runtime.database.db.selectFrom("audit_events").selectAll().where("action", "=", "auth.sign_in_failed").where("target_label", "=", "nobody@example.com").executeTakeFirst();
    expect(nobody).toMatchObject({ user_id: null, actor_id: "unknown" });
  });

  it("no secret in any column of any audit row, nor in any answer", async () => {
    const rows = await h.runtime.database.db.selectFrom("audit_events").selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const text = JSON.stringify(rows) + JSON.stringify(await jsonOf(await audit("?limit=200"), 200));
    for (const s of secrets) expect(text).not.toContain(s);
  });

  it("the chain of everything written verifies", async () => {
    const v = await verifyAuditChain(h.runtime.database.db);
    expect(v.ok).toBe(true);
  });
});
