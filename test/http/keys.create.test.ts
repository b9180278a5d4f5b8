/** POST /api/api-keys — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
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
const AWS_VALUE = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const inOneDay = () => new Date(Date.now() + 86_400_000).toISOString();

describeEachDatabase("POST /api/api-keys", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  const create = (body: unknown, cookie = alice.cookie) => h.request("POST", "/api/api-keys", { cookie, body });

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    alice = await h.signUp();
  });
  afterAll(() => h?.close());

  describe("201", () => {
    it("stores a key and answers the ApiKey, masked, without the value", async () => {
      const value = openaiKey();
      const res = await create({ name: "My OpenAI Key", service: "openai", value });
      const body = await jsonOf(res, 201);
      expect(body).toEqual(apiKeyBody({ name: "My OpenAI Key", maskedValue: openaiMask(value) }));
      expect(body.createdAt).toBe(body.updatedAt);
      expect(JSON.stringify(body)).not.toContain(value.slice(8));
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("keeps description, expiresAt, isActive and trims the name and value", async () => {
      const value = openaiKey();
      const expiresAt = inOneDay();
      const body = await jsonOf(
        await create({ name: "  spaced  ", service: "openai", value: `  ${value}\n`, description: "for the bot", expiresAt, isActive: false }),
        201,
      );
      expect(body).toEqual(
        apiKeyBody({ name: "spaced", description: "for the bot", expiresAt, isActive: false, maskedValue: openaiMask(value) }),
      );
    });

    it("takes an aws value object with config.region, and defaults the region", async () => {
      const body = await jsonOf(await create({ name: "AWS prod", service: "aws", value: AWS_VALUE, config: { region: "eu-west-1" } }), 201);
      expect(body).toEqual(apiKeyBody({ name: "AWS prod", service: "aws", maskedValue: "AKIA…MPLE", config: { region: "eu-west-1" } }));
      expect(JSON.stringify(body)).not.toContain(AWS_VALUE.secretAccessKey);

      const fallback = await jsonOf(await create({ name: "AWS default region", service: "aws", value: AWS_VALUE }), 201);
      expect(fallback.config).toEqual({ region: "us-east-1" });
    });

    it("allows the same name under another service", async () => {
      await jsonOf(await create({ name: "shared name", service: "openai", value: openaiKey() }), 201);
      const body = await jsonOf(await create({ name: "shared name", service: "anthropic", value: "sk-ant-api03-abcdefghijklmnopqrstuv" }), 201);
      expect(body).toEqual(apiKeyBody({ name: "shared name", service: "anthropic", maskedValue: "sk-ant-…stuv" }));
    });
  });

  describe("400", () => {
    it("validation: one detail (path + message) per bad field", async () => {
      const res = await create({ name: "", service: "nope", value: 42, description: 5, config: "x", expiresAt: 7, isActive: "yes" });
      const details = [
        { path: "name", message: "is required" },
        { path: "service", message: `Unknown service; expected one of: ${SERVICES}` },
        { path: "value", message: "must be the key as a string (for aws: an object { accessKeyId, secretAccessKey, sessionToken? })" },
        { path: "description", message: "Invalid input: expected string, received number" },
        { path: "expiresAt", message: "must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)" },
        { path: "config", message: "Invalid input: expected record, received string" },
        { path: "isActive", message: "Invalid input: expected boolean, received string" },
      ];
      await expectError(res, 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`,
        details,
      });
    });

    it("validation: missing required fields", async () => {
      const details = [
        { path: "name", message: "Invalid input: expected string, received undefined" },
        { path: "service", message: `Unknown service; expected one of: ${SERVICES}` },
        { path: "value", message: "must be the key as a string (for aws: an object { accessKeyId, secretAccessKey, sessionToken? })" },
      ];
      await expectError(await create({}), 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`,
        details,
      });
    });

    it("validation: a name over 100 characters", async () => {
      await expectError(await create({ name: "x".repeat(101), service: "openai", value: openaiKey() }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: name Too big: expected string to have <=100 characters",
        details: [{ path: "name", message: "Too big: expected string to have <=100 characters" }],
      });
    });

    it("validation: a JSON body that is not an object", async () => {
      await expectError(await create("null"), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: body Invalid input: expected object, received null",
        details: [{ path: "body", message: "Invalid input: expected object, received null" }],
      });
    });

    it("INVALID_KEY_FORMAT says what the service expects, never quoting the value", async () => {
      const text = await expectError(await create({ name: "bad", service: "openai", value: "not-a-key-at-all" }), 400, {
        code: "INVALID_KEY_FORMAT",
        message:
          'Invalid API key format: OpenAI keys start with "sk-" followed by letters, digits, "-" and "_", at least 20 characters in all (it does not start with "sk-")',
      });
      expect(text).not.toContain("not-a-key-at-all");
    });

    it("INVALID_KEY_FORMAT for a key of another service", async () => {
      await expectError(await create({ name: "bad", service: "openai", value: "sk-ant-api03-abcdefghijklmnopqrstuv" }), 400, {
        code: "INVALID_KEY_FORMAT",
        message:
          'Invalid API key format: OpenAI keys start with "sk-" followed by letters, digits, "-" and "_", at least 20 characters in all (this looks like an Anthropic key; add it under Anthropic)',
      });
    });

    it("INVALID_KEY_FORMAT for an aws value given as a string", async () => {
      const res = await create({ name: "bad aws", service: "aws", value: "AKIAIOSFODNN7EXAMPLE" });
      const body = JSON.parse(await expectError(res, 400, { code: "INVALID_KEY_FORMAT", message: /^Invalid API key format: / }));
      expect(body.error.message).toContain("accessKeyId");
    });

    it("unknown service", async () => {
      await expectError(await create({ name: "x", service: "nope", value: openaiKey() }), 400, {
        code: "VALIDATION_ERROR",
        message: `Invalid request: service Unknown service; expected one of: ${SERVICES}`,
        details: [{ path: "service", message: `Unknown service; expected one of: ${SERVICES}` }],
      });
    });

    it("config a service does not take", async () => {
      await expectError(await create({ name: "x", service: "openai", value: openaiKey(), config: { region: "eu-west-1" } }), 400, {
        code: "VALIDATION_ERROR",
        message: 'Invalid config: config.region unknown field; service "openai" takes no config fields',
        details: [{ path: "config.region", message: 'unknown field; service "openai" takes no config fields' }],
      });
    });

    it("expiresAt that is not a date", async () => {
      await expectError(await create({ name: "x", service: "openai", value: openaiKey(), expiresAt: "not-a-date" }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: expiresAt must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)",
        details: [{ path: "expiresAt", message: "must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)" }],
      });
    });

    it("expiresAt that is not ISO 8601 (an ambiguous local date) is refused, not guessed", async () => {
      // "03/04/2030" is March 4th or April 3rd depending on who reads it, in the server's time zone.
      await expectError(await create({ name: "ambiguous date", service: "openai", value: openaiKey(), expiresAt: "03/04/2030" }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: expiresAt must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)",
        details: [{ path: "expiresAt", message: "must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)" }],
      });
    });

    it("expiresAt in the past", async () => {
      await expectError(await create({ name: "x", service: "openai", value: openaiKey(), expiresAt: "2020-01-01T00:00:00.000Z" }), 400, {
        code: "VALIDATION_ERROR",
        message: "expiresAt must be in the future",
        details: [{ path: "expiresAt", message: "must be in the future" }],
      });
    });

    it("malformed JSON is a 400, never a 500", async () => {
      await expectError(await create('{"name": "x", "service": '), 400, {
        code: "VALIDATION_ERROR",
        message: "Malformed JSON in request body",
        details: [{ path: "body", message: "is not valid JSON" }],
      });
    });

    it("wrong content type", async () => {
      const res = await h.request("POST", "/api/api-keys", {
        cookie: alice.cookie,
        body: JSON.stringify({ name: "x", service: "openai", value: openaiKey() }),
        headers: { "content-type": "text/plain" },
      });
      await expectError(res, 400, {
        code: "VALIDATION_ERROR",
        message: "Content-Type must be application/json",
        details: [{ path: "content-type", message: "must be application/json" }],
      });
    });

    it("no content type", async () => {
      const res = await h.app.request("/api/api-keys", {
        method: "POST",
        headers: { cookie: alice.cookie, origin: h.publicUrl },
        body: JSON.stringify({ name: "x", service: "openai", value: openaiKey() }),
      });
      await expectError(res, 400, {
        code: "VALIDATION_ERROR",
        message: "Content-Type must be application/json",
        details: [{ path: "content-type", message: "must be application/json" }],
      });
    });
  });

  describe("401", () => {
    it("without a session", async () => {
      const res = await h.request("POST", "/api/api-keys", { body: { name: "x", service: "openai", value: openaiKey() } });
      await expectError(res, 401, UNAUTHORIZED);
    });

    it("with a forged session cookie", async () => {
      const res = await create({ name: "x", service: "openai", value: openaiKey() }, "better-auth.session_token=forged.forged");
      await expectError(res, 401, UNAUTHORIZED);
    });
  });

  describe("403", () => {
    it("a cookie request from another origin", async () => {
      const res = await h.request("POST", "/api/api-keys", {
        cookie: alice.cookie,
        origin: "https://evil.example",
        body: { name: "csrf", service: "openai", value: openaiKey() },
      });
      await expectError(res, 403, { code: "FORBIDDEN", message: "Origin https://evil.example is not allowed" });
    });

    it("a cookie request without Origin", async () => {
      const res = await h.request("POST", "/api/api-keys", { cookie: alice.cookie, origin: null, body: { name: "csrf", service: "openai", value: openaiKey() } });
      await expectError(res, 403, { code: "FORBIDDEN", message: "Missing Origin header on a cookie request" });
    });

    it("stored nothing", async () => {
      const list = await jsonOf(await h.request("GET", "/api/api-keys", { cookie: alice.cookie }), 200);
      expect(list.apiKeys.map((k: { name: string }) => k.name)).not.toContain("csrf");
    });
  });

  describe("409", () => {
    it("a duplicate name for the same service", async () => {
      await jsonOf(await create({ name: "Prod", service: "openai", value: openaiKey() }), 201);
      await expectError(await create({ name: "Prod", service: "openai", value: openaiKey() }), 409, {
        code: "CONFLICT",
        message: 'An API key named "Prod" already exists for openai',
      });
    });

    it("a duplicate after trimming", async () => {
      await expectError(await create({ name: "  Prod ", service: "openai", value: openaiKey() }), 409, {
        code: "CONFLICT",
        message: 'An API key named "Prod" already exists for openai',
      });
    });
  });

  describe("413", () => {
    it("a body over 64 KiB", async () => {
      const res = await create({ name: "big", service: "openai", value: openaiKey(), description: "x".repeat(65 * 1024) });
      await expectError(res, 413, { code: "PAYLOAD_TOO_LARGE", message: "Request body is larger than 64 KiB" });
    });

    it("a body over 64 KiB without Content-Length (streamed)", async () => {
      const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await h.app.request("/api/api-keys", {
        method: "POST",
        headers: { cookie: alice.cookie, origin: h.publicUrl, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      await expectError(res, 413, { code: "PAYLOAD_TOO_LARGE", message: "Request body is larger than 64 KiB" });
    });
  });
});
