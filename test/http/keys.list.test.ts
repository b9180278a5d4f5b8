/** GET /api/api-keys — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  anthropicKey,
  apiKeyBody,
  createHttpApp,
  expectError,
  jsonOf,
  openaiKey,
  openaiMask,
  UNAUTHORIZED,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";

const SERVICES = "openai, anthropic, google, groq, xai, aws, custom";

describeEachDatabase("GET /api/api-keys", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const values = { first: openaiKey(), second: openaiKey(), anthropic: anthropicKey() };
  const created: Record<string, { id: string; createdAt: string; updatedAt: string }> = {};

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    [alice, bob] = [await h.signUp(), await h.signUp()];
    for (const [name, service, value] of [
      ["first", "openai", values.first],
      ["second", "openai", values.second],
      ["claude", "anthropic", values.anthropic],
    ] as const) {
      created[name] = await h.createKey(alice, { name, service, value });
    }
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("lists the user's keys, masked, never with values", async () => {
      const res = await h.request("GET", "/api/api-keys", { cookie: alice.cookie });
      const body = await jsonOf(res, 200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(Object.keys(body)).toEqual(["apiKeys", "nextCursor"]);
      expect(body.nextCursor).toBeNull();
      const byName = (name: string) => body.apiKeys.find((k: { name: string }) => k.name === name);
      expect(body.apiKeys).toHaveLength(3);
      expect(byName("first")).toEqual(apiKeyBody({ ...created.first, name: "first", maskedValue: openaiMask(values.first) }));
      expect(byName("second")).toEqual(apiKeyBody({ ...created.second, name: "second", maskedValue: openaiMask(values.second) }));
      expect(byName("claude")).toEqual(
        apiKeyBody({ ...created.claude, name: "claude", service: "anthropic", maskedValue: `sk-ant-…${values.anthropic.slice(-4)}` }),
      );
      const text = JSON.stringify(body);
      for (const v of Object.values(values)) expect(text).not.toContain(v.slice(10));
    });

    it("?service= keeps only that service", async () => {
      const openai = await jsonOf(await h.request("GET", "/api/api-keys?service=openai", { cookie: alice.cookie }), 200);
      expect(openai.apiKeys.map((k: { name: string }) => k.name).sort()).toEqual(["first", "second"]);
      expect(openai.apiKeys.every((k: { service: string }) => k.service === "openai")).toBe(true);

      const anthropic = await jsonOf(await h.request("GET", "/api/api-keys?service=anthropic", { cookie: alice.cookie }), 200);
      expect(anthropic).toEqual({ apiKeys: [apiKeyBody({ ...created.claude, name: "claude", service: "anthropic", maskedValue: expect.any(String) })], nextCursor: null });
    });

    it("?service= with no keys of that service is an empty list", async () => {
      expect(await jsonOf(await h.request("GET", "/api/api-keys?service=groq", { cookie: alice.cookie }), 200)).toEqual({ apiKeys: [], nextCursor: null });
    });

    it("another user sees only their own (none)", async () => {
      expect(await jsonOf(await h.request("GET", "/api/api-keys", { cookie: bob.cookie }), 200)).toEqual({ apiKeys: [], nextCursor: null });
    });

    it("a GET needs no Origin (safe method)", async () => {
      const body = await jsonOf(await h.request("GET", "/api/api-keys", { cookie: alice.cookie, origin: "https://elsewhere.example" }), 200);
      expect(body.apiKeys).toHaveLength(3);
    });
  });

  describe("400", () => {
    it("an unknown service filter", async () => {
      await expectError(await h.request("GET", "/api/api-keys?service=nope", { cookie: alice.cookie }), 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: query.service Unknown service; expected one of: ${SERVICES}`,
        details: [{ path: "query.service", message: `Unknown service; expected one of: ${SERVICES}` }],
      });
    });
  });

  describe("401", () => {
    it("without a session", async () => {
      await expectError(await h.request("GET", "/api/api-keys"), 401, UNAUTHORIZED);
    });

    it("with a forged session cookie", async () => {
      await expectError(await h.request("GET", "/api/api-keys", { cookie: "better-auth.session_token=abc.def" }), 401, UNAUTHORIZED);
    });
  });
});
