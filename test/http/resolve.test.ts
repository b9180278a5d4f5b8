/**
 * /api/resolve through the real app, one block per answer it can give. Which key comes back in
 * which case is pinned by test/provider/resolution.test.ts, which runs every library case over
 * HTTP too; this file pins who may ask for whose keys, the shapes and the counting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { insertServiceToken } from "../support/tokens.js";

const ENV_ANTHROPIC = "sk-ant-env-fallback-value-000000";
const UNKNOWN = { code: "UNAUTHORIZED", message: "The access token is unknown, revoked or expired" };

describeEachDatabase("/api/resolve", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  let aliceKey: { id: string };
  const aliceValue = openaiKey();
  let resolveToken: string;
  let resolveTokenId: string;
  let readOnlyToken: string;
  let service: string;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { ANTHROPIC_API_KEY: ENV_ANTHROPIC }, logLevel: "debug" });
    alice = await h.signUp();
    bob = await h.signUp();
    aliceKey = await h.createKey(alice, { name: "alice openai", service: "openai", value: aliceValue });
    await h.createKey(bob, { name: "bob openai", service: "openai", value: openaiKey() });
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "backend", scopes: ["resolve"] } }), 201);
    resolveToken = made.token;
    resolveTokenId = made.accessToken.id;
    readOnlyToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ro", scopes: ["keys:read"] } }), 201)).token;
    service = (await insertServiceToken(h.runtime, { createdBy: "test", scopes: ["resolve"] })).token;
  });
  afterAll(() => h?.close());

  const bearer = (token: string, method: string, path: string, body?: unknown) =>
    h.request(method, path, { origin: null, headers: { authorization: `Bearer ${token}` }, body });

  describe("200", () => {
    it("a personal token gets its user's key with everything needed to call the provider", async () => {
      const answer = await jsonOf(await bearer(resolveToken, "GET", "/api/resolve/openai"), 200);
      expect(answer).toEqual({
        service: "openai",
        apiKey: aliceValue,
        baseUrl: "https://api.openai.com/v1",
        headers: { Authorization: `Bearer ${aliceValue}` },
        source: "user",
        keyId: aliceKey.id,
      });
    });

    it("counts the hand-out on the key and under the token, and the token's last use", async () => {
      const usage = async () =>
        Number((await h.runtime.database.db.selectFrom("api_keys").select("usage_count").where("id", "=", aliceKey.id).executeTakeFirstOrThrow()).usage_count);
      await h.runtime.usage.flush();
      const before = await usage();
      await jsonOf(await bearer(resolveToken, "GET", "/api/resolve/openai"), 200);
      await jsonOf(await bearer(resolveToken, "POST", "/api/resolve", { services: ["openai", "anthropic"] }), 200);
      await h.runtime.usage.flush();
      expect(await usage()).toBe(before + 2);
      const byToken = await h.runtime.database.db
        .selectFrom("usage_by_consumer")
        .select(["consumer", "count"])
        .where("key_id", "=", aliceKey.id)
        .where("consumer", "=", `token:${resolveTokenId}`)
        .execute();
      expect(byToken.reduce((n, r) => n + Number(r.count), 0)).toBeGreaterThanOrEqual(2);
      await h.runtime.tokens.flush(); // writes the batched last use
      const listed = await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200);
      expect(listed.tokens.find((t: { id: string }) => t.id === resolveTokenId).lastUsedAt).not.toBeNull();
    });

    it("a batch answers every service named once, null where there is none, the environment's where it has one", async () => {
      const { results } = await jsonOf(await bearer(resolveToken, "POST", "/api/resolve", { services: ["openai", "groq", "anthropic", "openai"] }), 200);
      expect(Object.keys(results).sort()).toEqual(["anthropic", "groq", "openai"]);
      expect(results.openai.apiKey).toBe(aliceValue);
      expect(results.groq).toBeNull();
      expect(results.anthropic).toMatchObject({ apiKey: ENV_ANTHROPIC, source: "env", keyId: null });
    });

    it("a personal token may name its own user", async () => {
      expect((await jsonOf(await bearer(resolveToken, "GET", `/api/resolve/openai?userId=${alice.id}`), 200)).apiKey).toBe(aliceValue);
    });

    it("a service token resolves for the user it names", async () => {
      expect((await jsonOf(await bearer(service, "GET", `/api/resolve/openai?userId=${alice.id}`), 200)).apiKey).toBe(aliceValue);
      const { results } = await jsonOf(await bearer(service, "POST", "/api/resolve", { userId: bob.id, services: ["openai"] }), 200);
      expect(results.openai.apiKey).not.toBe(aliceValue);
    });

    it("a signed-in person resolves their own keys with the session (same-origin)", async () => {
      expect((await jsonOf(await h.request("GET", "/api/resolve/openai", { cookie: alice.cookie }), 200)).apiKey).toBe(aliceValue);
    });

    it("aws answers the credentials and the region", async () => {
      const creds = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
      await h.createKey(alice, { name: "aws", service: "aws", value: creds, config: { region: "eu-west-1" } });
      expect(await jsonOf(await bearer(resolveToken, "GET", "/api/resolve/aws"), 200)).toMatchObject({
        service: "aws",
        apiKey: creds.accessKeyId,
        credentials: creds,
        region: "eu-west-1",
        baseUrl: "https://sts.eu-west-1.amazonaws.com",
        source: "user",
      });
    });
  });

  describe("400", () => {
    it("an unknown service", async () => {
      const res = await bearer(resolveToken, "GET", "/api/resolve/openia");
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("VALIDATION_ERROR");
      expect((await bearer(resolveToken, "POST", "/api/resolve", { services: ["openai", "openia"] })).status).toBe(400);
    });

    it("a service token that names no user", async () => {
      await expectError(await bearer(service, "GET", "/api/resolve/openai"), 400, {
        code: "VALIDATION_ERROR",
        message: "A service token must name the user: userId is required",
      });
      expect((await bearer(service, "POST", "/api/resolve", { services: ["openai"] })).status).toBe(400);
      expect((await bearer(service, "GET", "/api/resolve/openai?userId=")).status).toBe(400);
    });

    it("a malformed batch: no services, unknown fields, not JSON, wrong types", async () => {
      for (const body of [{ services: [] }, { services: ["openai"], extra: 1 }, "{not json", { services: "openai" }, { userId: 5, services: ["openai"] }]) {
        const res = await bearer(resolveToken, "POST", "/api/resolve", body);
        expect(res.status).toBe(400);
        expect((await res.json()).error.code).toBe("VALIDATION_ERROR");
      }
    });

    it("a token in the query string is refused and never logged", async () => {
      const res = await h.request("GET", `/api/resolve/openai?token=${resolveToken}`, { origin: null });
      expect(res.status).toBe(400);
      expect(h.logs.join("\n")).not.toContain(resolveToken);
    });
  });

  describe("401", () => {
    it("no token and no session", async () => {
      expect((await h.request("GET", "/api/resolve/openai", { origin: null })).status).toBe(401);
      expect((await h.request("POST", "/api/resolve", { origin: null, body: { services: ["openai"] } })).status).toBe(401);
    });

    it("an unknown or revoked token", async () => {
      await expectError(await bearer(`kh_${"A".repeat(43)}`, "GET", "/api/resolve/openai"), 401, UNKNOWN);
      const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: bob.cookie, body: { name: "short-lived", scopes: ["resolve"] } }), 201);
      expect((await bearer(made.token, "GET", "/api/resolve/openai")).status).toBe(200);
      expect((await h.request("DELETE", `/api/tokens/${made.accessToken.id}`, { cookie: bob.cookie })).status).toBe(204);
      await expectError(await bearer(made.token, "GET", "/api/resolve/openai"), 401, UNKNOWN);
    });
  });

  describe("403", () => {
    it("a personal token naming another user", async () => {
      await expectError(await bearer(resolveToken, "GET", `/api/resolve/openai?userId=${bob.id}`), 403, {
        code: "FORBIDDEN",
        message: "A personal token resolves its own user's keys only; leave userId out",
      });
      expect((await bearer(resolveToken, "POST", "/api/resolve", { userId: bob.id, services: ["openai"] })).status).toBe(403);
    });

    it("a token without the resolve scope gets no key — not even the environment's", async () => {
      for (const svc of ["openai", "anthropic", "groq"]) {
        const res = await bearer(readOnlyToken, "GET", `/api/resolve/${svc}`);
        await expectError(res, 403, { code: "FORBIDDEN", message: "This token lacks the resolve scope" });
      }
      const res = await bearer(readOnlyToken, "POST", "/api/resolve", { services: ["anthropic"] });
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain(ENV_ANTHROPIC);
    });

    it("a session's batch from another origin (a GET's answer is unreadable cross-origin: no CORS)", async () => {
      const res = await h.request("POST", "/api/resolve", { cookie: alice.cookie, origin: "https://evil.example", body: { services: ["openai"] } });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("404", () => {
    it("neither the user nor the environment has a key", async () => {
      await expectError(await bearer(resolveToken, "GET", "/api/resolve/groq"), 404, {
        code: "NOT_FOUND",
        message: "No groq key: the user has none usable and the server's environment has none",
      });
    });

    it("another user's key is never an answer: a service token for a user without one gets 404", async () => {
      const res = await bearer(service, "GET", `/api/resolve/groq?userId=${alice.id}`);
      expect(res.status).toBe(404);
    });
  });

  describe("GET /api/whoami", () => {
    it("describes the token", async () => {
      expect(await jsonOf(await bearer(resolveToken, "GET", "/api/whoami"), 200)).toEqual({
        tokenId: resolveTokenId,
        kind: "personal",
        userId: alice.id,
        name: "backend",
        scopes: ["resolve"],
      });
      expect(await jsonOf(await bearer(service, "GET", "/api/whoami"), 200)).toMatchObject({ kind: "service", userId: null });
    });

    it("401 without a token, even with a session", async () => {
      expect((await h.request("GET", "/api/whoami", { origin: null })).status).toBe(401);
      expect((await h.request("GET", "/api/whoami", { cookie: alice.cookie })).status).toBe(401);
    });
  });

  it("no key value and no token in any log line", () => {
    const logs = h.logs.join("\n");
    for (const secret of [aliceValue, resolveToken, readOnlyToken, service, ENV_ANTHROPIC]) expect(logs).not.toContain(secret);
  });
});
