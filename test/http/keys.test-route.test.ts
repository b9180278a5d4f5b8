/**
 * POST /api/api-keys/test — a saved key ({ keyId }) or an unsaved one ({ service, value, config })
 * against the fake provider on loopback. One describe per status the route can answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import {
  awayFromWindowEdge,
  createHttpApp,
  expectError,
  ISO_DATE,
  jsonOf,
  KEY_NOT_FOUND,
  UNAUTHORIZED,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";
import { RATE_LIMITS } from "../../src/limits/rate-limiter.js";

const TIMEOUT_MS = 300;

const result = (fields: Record<string, unknown>) => ({
  keyId: null,
  latencyMs: expect.any(Number),
  testedAt: expect.stringMatching(ISO_DATE),
  ...fields,
});

describeEachDatabase("POST /api/api-keys/test", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  // The limit is 10 tests a minute per user: each group of tests has its own user.
  let alice: SignedUpUser; // saved keys
  let dave: SignedUpUser; // unsaved keys
  let erin: SignedUpUser; // refused inputs
  let bob: SignedUpUser; // another user
  let carol: SignedUpUser; // the rate limit

  const test = (body: unknown, cookie?: string) => h.request("POST", "/api/api-keys/test", { cookie, body });
  const lastFakeRequest = () => fake.requests[fake.requests.length - 1];

  beforeAll(async () => {
    fake = await startFakeProvider();
    const env = Object.fromEntries(
      Object.entries(fakeBaseUrlOverrides(fake.url)).map(([service, url]) => [`KEYHAVEN_${service.toUpperCase()}_BASE_URL`, url]),
    );
    h = await createHttpApp(dialect, { env, app: { keyTester: { timeoutMs: TIMEOUT_MS } } });
    [alice, dave, erin, bob, carol] = [await h.signUp(), await h.signUp(), await h.signUp(), await h.signUp(), await h.signUp()];
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  describe("200", () => {
    describe("a saved key ({ keyId }): outcome answered and stored on the key", () => {
      for (const [outcome, expected] of [
        ["valid", { success: true, status: "valid", message: "Key is valid" }],
        ["invalid", { success: false, status: "invalid", message: "The provider rejected the key (HTTP 401): Incorrect API key provided: [redacted]." }],
        [
          "servererror",
          { success: false, status: "error", message: "The provider failed with a server error (HTTP 500); try again later: The server had an error" },
        ],
      ] as const) {
        it(outcome, async () => {
          const value = fakeKey("openai", outcome);
          const key = await h.createKey(alice, { name: `saved ${outcome}`, service: "openai", value });
          const res = await test({ keyId: key.id }, alice.cookie);
          const body = await jsonOf(res, 200);
          expect(body).toEqual(result({ keyId: key.id, ...expected }));
          expect(JSON.stringify(body)).not.toContain(value);
          expect(lastFakeRequest()).toMatchObject({ method: "GET", path: "/openai/models" });
          expect(lastFakeRequest().wrongAuth).toBeUndefined();
          expect(res.headers.get("cache-control")).toBe("no-store");

          const stored = await jsonOf(await h.request("GET", `/api/api-keys/${key.id}`, { cookie: alice.cookie }), 200);
          expect(stored).toMatchObject({ lastTestedAt: body.testedAt, lastTestStatus: expected.status });
        });
      }

      it("aws: signed STS request to the region in config", async () => {
        const key = await h.createKey(alice, { name: "aws", service: "aws", value: fakeKey("aws", "valid"), config: { region: "eu-west-1" } });
        const body = await jsonOf(await test({ keyId: key.id }, alice.cookie), 200);
        expect(body).toEqual(result({ keyId: key.id, success: true, status: "valid", message: "Key is valid" }));
        const sts = lastFakeRequest();
        expect(sts).toMatchObject({ method: "POST", path: "/aws/" });
        expect(sts.wrongAuth).toBeUndefined();
        expect(String(sts.headers.authorization)).toContain("/eu-west-1/sts/aws4_request");
      });
    });

    describe("an unsaved key ({ service, value })", () => {
      for (const [outcome, expected] of [
        ["valid", { success: true, status: "valid", message: "Key is valid" }],
        ["invalid", { success: false, status: "invalid", message: "The provider rejected the key (HTTP 401): Incorrect API key provided: [redacted]." }],
        ["ratelimited", { success: true, status: "valid", message: "Key is valid, but the provider is rate limiting it right now (HTTP 429)" }],
        [
          "servererror",
          { success: false, status: "error", message: "The provider failed with a server error (HTTP 500); try again later: The server had an error" },
        ],
        ["hang", { success: false, status: "error", message: `The provider did not answer within ${TIMEOUT_MS} ms` }],
      ] as const) {
        it(outcome, async () => {
          const value = fakeKey("openai", outcome);
          const body = await jsonOf(await test({ service: "openai", value }, dave.cookie), 200);
          expect(body).toEqual(result(expected));
          expect(JSON.stringify(body)).not.toContain(value);
          if (outcome === "hang") expect(body.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        });
      }

      it("nothing is stored", async () => {
        expect(await jsonOf(await h.request("GET", "/api/api-keys", { cookie: dave.cookie }), 200)).toEqual({ apiKeys: [], nextCursor: null });
      });
    });
  });

  describe("400", () => {
    it("a body that is neither { keyId } nor { service, value }: details name the missing fields", async () => {
      const VALUE = "must be the key as a string (for aws: an object { accessKeyId, secretAccessKey, sessionToken? })";
      const SERVICE = `Unknown service; expected one of: openai, anthropic, google, groq, xai, aws, custom`;
      await expectError(await test({ foo: 1 }, erin.cookie), 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: service ${SERVICE}; value ${VALUE}`,
        details: [
          { path: "service", message: SERVICE },
          { path: "value", message: VALUE },
        ],
      });
      await expectError(await test({ service: "openai" }, erin.cookie), 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: value ${VALUE}`,
        details: [{ path: "value", message: VALUE }],
      });
    });

    it("an empty keyId", async () => {
      await expectError(await test({ keyId: "" }, erin.cookie), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: keyId Too small: expected string to have >=1 characters",
        details: [{ path: "keyId", message: "Too small: expected string to have >=1 characters" }],
      });
    });

    it("malformed JSON", async () => {
      await expectError(await test("{", erin.cookie), 400, {
        code: "VALIDATION_ERROR",
        message: "Malformed JSON in request body",
        details: [{ path: "body", message: "is not valid JSON" }],
      });
    });

    it("an unsaved value of the wrong format, without calling the provider", async () => {
      const before = fake.requests.length;
      await expectError(await test({ service: "openai", value: "definitely-not-a-key" }, erin.cookie), 400, {
        code: "INVALID_KEY_FORMAT",
        message:
          'Invalid API key format: OpenAI keys start with "sk-" followed by letters, digits, "-" and "_", at least 20 characters in all (it does not start with "sk-")',
      });
      expect(fake.requests.length).toBe(before);
    });

    it("a custom endpoint on a metadata address (SSRF) is refused", async () => {
      const message =
        "Endpoint host is a metadata address (169.254.169.254); private, loopback, link-local and metadata addresses are not allowed";
      await expectError(
        await test({ service: "custom", value: "custom-key-0123456789", config: { baseUrl: "https://169.254.169.254/v1" } }, erin.cookie),
        400,
        { code: "VALIDATION_ERROR", message, details: [{ path: "config.baseUrl", message }] },
      );
    });
  });

  describe("404", () => {
    it("another user's keyId answers like a missing one, and is not tested", async () => {
      const key = await h.createKey(alice, { name: "not bob's", service: "openai", value: fakeKey("openai", "valid") });
      const before = fake.requests.length;
      const missing = await expectError(await test({ keyId: "key_doesnotexist0000000" }, bob.cookie), 404, KEY_NOT_FOUND);
      const others = await expectError(await test({ keyId: key.id }, bob.cookie), 404, KEY_NOT_FOUND);
      expect(others).toBe(missing);
      expect(fake.requests.length).toBe(before);
      const stored = await jsonOf(await h.request("GET", `/api/api-keys/${key.id}`, { cookie: alice.cookie }), 200);
      expect(stored).toMatchObject({ lastTestedAt: null, lastTestStatus: null });
    });
  });

  describe("401", () => {
    it("without a session", async () => {
      await expectError(await test({ service: "openai", value: fakeKey("openai", "valid") }), 401, UNAUTHORIZED);
    });
  });

  describe("403", () => {
    it("a cookie request from another origin", async () => {
      const res = await h.request("POST", "/api/api-keys/test", {
        cookie: erin.cookie,
        origin: "https://evil.example",
        body: { service: "openai", value: fakeKey("openai", "valid") },
      });
      await expectError(res, 403, { code: "FORBIDDEN", message: "Origin https://evil.example is not allowed" });
    });
  });

  describe("429", () => {
    it("the 11th test within a minute, with Retry-After", async () => {
      const { max, windowMs } = RATE_LIMITS.keyTestPerUser;
      expect(max).toBe(10);
      await awayFromWindowEdge(windowMs);
      for (let i = 0; i < max; i++) {
        const body = await jsonOf(await test({ service: "openai", value: fakeKey("openai", "valid") }, carol.cookie), 200);
        expect(body.status).toBe("valid");
      }
      const before = fake.requests.length;
      const res = await test({ service: "openai", value: fakeKey("openai", "valid") }, carol.cookie);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      await expectError(res, 429, {
        code: "RATE_LIMITED",
        message: `Too many key tests (at most 10 per minute); try again in ${retryAfter} s`,
      });
      expect(fake.requests.length).toBe(before);
    });

    it("is per user: another user can still test", async () => {
      const body = await jsonOf(await test({ service: "openai", value: fakeKey("openai", "valid") }, bob.cookie), 200);
      expect(body.status).toBe("valid");
    });
  });
});

describeEachDatabase("POST /api/api-keys/test on the server's clock", (dialect) => {
  // An hour behind the real clock: a `testedAt` taken from `new Date()` would differ.
  const serverNow = new Date(Date.now() - 3_600_000);
  let fake: FakeProvider;
  let h: HttpApp;

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp(dialect, { env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai` }, now: () => serverNow });
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("testedAt and the stored lastTestedAt are the server clock's time", async () => {
    const user = await h.signUp();
    const key = await jsonOf(
      await h.request("POST", "/api/api-keys", { cookie: user.cookie, body: { name: "clocked", service: "openai", value: fakeKey("openai", "valid") } }),
      201,
    );
    const answer = await jsonOf(await h.request("POST", "/api/api-keys/test", { cookie: user.cookie, body: { keyId: key.id } }), 200);
    expect(answer).toMatchObject({ status: "valid", testedAt: serverNow.toISOString() });
    const stored = await jsonOf(await h.request("GET", `/api/api-keys/${key.id}`, { cookie: user.cookie }), 200);
    expect(stored.lastTestedAt).toBe(serverNow.toISOString());
  });
});
