/**
 * Access tokens through the real app on both databases: made with a session, stored only as a
 * hash, accepted as `Authorization: Bearer` on /api/api-keys within their scopes (no Origin),
 * refused at once when revoked or expired — also by a second runtime on the same database.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const TOKEN_SHAPE = /^kh_[A-Za-z0-9_-]{43}$/;
const UNKNOWN = { code: "UNAUTHORIZED", message: "The access token is unknown, revoked or expired" };

describeEachDatabase("access tokens", (dialect) => {
  let h: HttpApp;
  let clock = new Date();
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  let aliceKeyId: string;
  const aliceValue = openaiKey();

  beforeAll(async () => {
    h = await createHttpApp(dialect, { now: () => clock, logLevel: "info" });
    alice = await h.signUp();
    bob = await h.signUp();
    aliceKeyId = (await h.createKey(alice, { name: "alice openai", service: "openai", value: aliceValue })).id as string;
    await h.createKey(bob, { name: "bob openai", service: "openai", value: openaiKey() });
  });
  afterAll(() => h?.close());

  async function makeToken(user: SignedUpUser, body: Record<string, unknown>): Promise<string> {
    const created = await jsonOf(await h.request("POST", "/api/tokens", { cookie: user.cookie, body }), 201);
    return created.token as string;
  }
  const bearer = (token: string, method: string, path: string, body?: unknown) =>
    h.request(method, path, { origin: null, headers: { authorization: `Bearer ${token}` }, body });

  it("is created with a session, shown once, listed by prefix, stored only as its SHA-256", async () => {
    const res = await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ci", scopes: ["keys:read"] } });
    const created = await jsonOf(res, 201);
    expect(created.token).toMatch(TOKEN_SHAPE);
    expect(created.accessToken).toEqual({
      id: expect.stringMatching(/^tok_/),
      name: "ci",
      kind: "personal",
      prefix: created.token.slice(3, 11),
      scopes: ["keys:read"],
      createdAt: clock.toISOString(),
      expiresAt: null,
      lastUsedAt: null,
    });
    const list = await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200);
    expect(list.tokens.map((t: { id: string }) => t.id)).toContain(created.accessToken.id);
    expect(JSON.stringify(list)).not.toContain(created.token);
    const rows = await h.runtime.database.db.selectFrom("access_tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(rows.find((r) => r.id === created.accessToken.id)?.token_hash).toBe(createHash("sha256").update(created.token).digest("hex"));
    // Bob does not see Alice's tokens.
    const bobs = await jsonOf(await h.request("GET", "/api/tokens", { cookie: bob.cookie }), 200);
    expect(JSON.stringify(bobs)).not.toContain(created.accessToken.id);
  });

  it("reads the user's keys without an Origin; the key list is the user's own only", async () => {
    const token = await makeToken(alice, { name: "reader", scopes: ["keys:read"] });
    const page = await jsonOf(await bearer(token, "GET", "/api/api-keys"), 200);
    expect(page.apiKeys.map((k: { name: string }) => k.name)).toEqual(["alice openai"]);
    const one = await jsonOf(await bearer(token, "GET", `/api/api-keys/${aliceKeyId}`), 200);
    expect(one).not.toHaveProperty("value");
  });

  it("a missing scope is a 403 that names it, and nothing changes", async () => {
    const token = await makeToken(alice, { name: "reader", scopes: ["keys:read"] });
    await expectError(await bearer(token, "POST", "/api/api-keys", { name: "x", service: "openai", value: openaiKey() }), 403, {
      code: "FORBIDDEN",
      message: "This token lacks the keys:write scope",
    });
    await expectError(await bearer(token, "GET", `/api/api-keys/${aliceKeyId}?includeValue=true`), 403, {
      code: "FORBIDDEN",
      message: "This token lacks the keys:reveal scope",
    });
    await expectError(await bearer(token, "DELETE", `/api/api-keys/${aliceKeyId}`), 403, {
      code: "FORBIDDEN",
      message: "This token lacks the keys:write scope",
    });
    // Testing a saved key, or a value the caller holds, is a key test: keys:write too.
    for (const body of [{ keyId: aliceKeyId }, { service: "openai", value: openaiKey() }]) {
      await expectError(await bearer(token, "POST", "/api/api-keys/test", body), 403, {
        code: "FORBIDDEN",
        message: "This token lacks the keys:write scope",
      });
    }
    const page = await jsonOf(await h.request("GET", "/api/api-keys", { cookie: alice.cookie }), 200);
    expect(page.apiKeys.map((k: { name: string }) => k.name)).toEqual(["alice openai"]);
  });

  it("with the scopes, writes and reveals the user's keys", async () => {
    const token = await makeToken(alice, { name: "writer", scopes: ["keys:read", "keys:write", "keys:reveal"] });
    const value = openaiKey();
    const created = await jsonOf(await bearer(token, "POST", "/api/api-keys", { name: "by token", service: "openai", value }), 201);
    const revealed = await jsonOf(await bearer(token, "GET", `/api/api-keys/${created.id}?includeValue=true`), 200);
    expect(revealed.value).toBe(value);
    const reveal = await h.runtime.database.db.selectFrom("audit_events").selectAll().where("action", "=", "key.reveal").where("target_id", "=", created.id).executeTakeFirst();
    expect(reveal).toMatchObject({ actor_type: "token", actor_id: expect.stringMatching(/^tok_/), actor_label: "writer", user_id: alice.id });
    expect((await bearer(token, "DELETE", `/api/api-keys/${created.id}`)).status).toBe(204);
  });

  it("another user's token never reaches alice's keys", async () => {
    const token = await makeToken(bob, { name: "bob all", scopes: ["keys:read", "keys:write", "keys:reveal"] });
    const page = await jsonOf(await bearer(token, "GET", "/api/api-keys"), 200);
    expect(page.apiKeys.map((k: { name: string }) => k.name)).toEqual(["bob openai"]);
    expect((await bearer(token, "GET", `/api/api-keys/${aliceKeyId}?includeValue=true`)).status).toBe(404);
    expect((await bearer(token, "DELETE", `/api/api-keys/${aliceKeyId}`)).status).toBe(404);
    expect((await bearer(token, "PUT", `/api/api-keys/${aliceKeyId}`, { isActive: false })).status).toBe(404);
  });

  it("revoked: refused at once, here and by a second runtime on the same database", async () => {
    const created = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "short", scopes: ["keys:read"] } }), 201);
    const other = await h.tdb.runtime();
    try {
      expect((await other.tokens.verify(created.token)).type).toBe("token");
      expect((await bearer(created.token, "GET", "/api/api-keys")).status).toBe(200);
      expect((await h.request("DELETE", `/api/tokens/${created.accessToken.id}`, { cookie: alice.cookie })).status).toBe(204);
      await expectError(await bearer(created.token, "GET", "/api/api-keys"), 401, UNKNOWN);
      await expect(other.tokens.verify(created.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      // Gone from the list; a second revoke is a 404; bob cannot revoke alice's token.
      const list = await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200);
      expect(JSON.stringify(list)).not.toContain(created.accessToken.id);
      expect((await h.request("DELETE", `/api/tokens/${created.accessToken.id}`, { cookie: alice.cookie })).status).toBe(404);
    } finally {
      await other.close();
    }
    const live = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "live", scopes: ["keys:read"] } }), 201);
    expect((await h.request("DELETE", `/api/tokens/${live.accessToken.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await bearer(live.token, "GET", "/api/api-keys")).status).toBe(200);
  });

  it("expired: refused once the server clock passes expiresAt", async () => {
    const expiresAt = new Date(clock.getTime() + 60_000).toISOString();
    const token = await makeToken(alice, { name: "minute", scopes: ["keys:read"], expiresAt });
    expect((await bearer(token, "GET", "/api/api-keys")).status).toBe(200);
    clock = new Date(clock.getTime() + 61_000);
    await expectError(await bearer(token, "GET", "/api/api-keys"), 401, UNKNOWN);
  });

  it("records when it was last used, off the hot path", async () => {
    const created = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "used", scopes: ["keys:read"] } }), 201);
    expect((await bearer(created.token, "GET", "/api/api-keys")).status).toBe(200);
    await expect
      .poll(async () => {
        const list = await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200);
        return list.tokens.find((t: { id: string }) => t.id === created.accessToken.id)?.lastUsedAt as string | null;
      }, { timeout: 5_000 })
      .toBe(clock.toISOString());
  });

  it("bad bearer values are 401, a token in the URL is 400, and no token reaches the log", async () => {
    const token = await makeToken(alice, { name: "secret", scopes: ["keys:read"] });
    for (const value of ["", "kh_", "kh_short", `${token}x`, token.slice(0, -1), token.replace("kh_", "kx_"), "x".repeat(5000)]) {
      const res = await h.request("GET", "/api/api-keys", { origin: null, headers: { authorization: `Bearer ${value}` } });
      expect(res.status, value.slice(0, 20)).toBe(401);
    }
    expect((await h.request("GET", "/api/api-keys", { origin: null, headers: { authorization: `Basic ${token}` } })).status).toBe(401);
    await expectError(await h.request("GET", `/api/api-keys?access_token=${token}`, { origin: null }), 400, {
      code: "VALIDATION_ERROR",
      message: "Send the access token in the Authorization header, never in the URL",
    });
    expect((await h.request("GET", `/api/api-keys/${token}`, { origin: null, headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect(h.logs.join("\n")).not.toContain(token.slice(3));
  });

  it("tokens are managed with a session only; bad bodies are 400", async () => {
    const token = await makeToken(alice, { name: "all", scopes: ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] });
    expect((await bearer(token, "GET", "/api/tokens")).status).toBe(401);
    expect((await bearer(token, "POST", "/api/tokens", { name: "child", scopes: ["keys:read"] })).status).toBe(401);
    // And behind the routes, the policy refuses a token acting on tokens.
    const asToken = await h.runtime.tokens.verify(token);
    await expect(h.runtime.tokens.create(asToken, { name: "child", scopes: ["keys:read"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.runtime.tokens.list(asToken)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const bad = (body: unknown) => h.request("POST", "/api/tokens", { cookie: alice.cookie, body });
    expect((await bad({ name: "x", scopes: ["keys:everything"] })).status).toBe(400);
    expect((await bad({ name: "x", scopes: [] })).status).toBe(400);
    expect((await bad({ name: "x".repeat(101), scopes: ["keys:read"] })).status).toBe(400);
    expect((await bad({ name: "x", scopes: ["keys:read"], expiresAt: "2001-01-01T00:00:00Z" })).status).toBe(400);
    expect((await bad({ name: "x", scopes: ["keys:read"], extra: 1 })).status).toBe(400);
    expect((await h.request("POST", "/api/tokens", { cookie: alice.cookie, origin: "https://evil.example", body: { name: "x", scopes: ["keys:read"] } })).status).toBe(403);
  });
});
