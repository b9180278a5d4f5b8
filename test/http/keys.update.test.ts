/** PUT /api/api-keys/:id — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  apiKeyBody,
  createHttpApp,
  expectError,
  jsonOf,
  KEY_NOT_FOUND,
  openaiKey,
  openaiMask,
  UNAUTHORIZED,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describeEachDatabase("PUT /api/api-keys/:id", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  let value = openaiKey();
  let key: Record<string, unknown> & { id: string; createdAt: string };

  const put = (id: string, body: unknown, cookie = alice.cookie) => h.request("PUT", `/api/api-keys/${id}`, { cookie, body });
  const reveal = async (id: string) =>
    jsonOf(await h.request("GET", `/api/api-keys/${id}?includeValue=true`, { cookie: alice.cookie }), 200);

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    [alice, bob] = [await h.signUp(), await h.signUp()];
    key = await h.createKey(alice, { name: "original", service: "openai", value });
    await h.createKey(alice, { name: "taken", service: "openai", value: openaiKey() });
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("changes name, description and isActive, and answers the whole ApiKey", async () => {
      const res = await put(key.id, { name: " renamed ", description: "used by the bot", isActive: false });
      const body = await jsonOf(res, 200);
      expect(body).toEqual(
        apiKeyBody({ id: key.id, createdAt: key.createdAt, name: "renamed", description: "used by the bot", isActive: false, maskedValue: openaiMask(value) }),
      );
      expect(Date.parse(body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(key.createdAt));
      expect(body).not.toHaveProperty("value");
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("a new value is re-encrypted: reveal shows it, the mask follows it", async () => {
      const stored = () =>
        h.runtime.database.db.selectFrom("api_keys").select(["encrypted_value"]).where("id", "=", key.id).executeTakeFirstOrThrow();
      const before = String((await stored()).encrypted_value);
      const next = openaiKey();
      const body = await jsonOf(await put(key.id, { value: next }), 200);
      const after = String((await stored()).encrypted_value);
      expect(after).not.toBe(before);
      expect(after).not.toContain(next);
      // A new value starts the rotation period again (and the old one is kept as a version).
      const rotation = { everyDays: null, dueAt: null, lastRotatedAt: body.updatedAt };
      expect(body).toEqual(apiKeyBody({ id: key.id, createdAt: key.createdAt, name: "renamed", description: "used by the bot", isActive: false, maskedValue: openaiMask(next), rotation }));
      expect(body.maskedValue).not.toBe(openaiMask(value));
      expect(JSON.stringify(body)).not.toContain(next.slice(8));
      expect((await reveal(key.id)).value).toBe(next);
      value = next;
    });

    it("expiresAt is set, then cleared with null", async () => {
      const expiresAt = inDays(30);
      expect(await jsonOf(await put(key.id, { expiresAt }), 200)).toMatchObject({ expiresAt, isExpired: false });
      expect(await jsonOf(await put(key.id, { expiresAt: null }), 200)).toMatchObject({ expiresAt: null, isExpired: false });
      expect(await jsonOf(await h.request("GET", `/api/api-keys/${key.id}`, { cookie: alice.cookie }), 200)).toMatchObject({ expiresAt: null });
    });

    it("description null clears it; isActive true switches it back on", async () => {
      const body = await jsonOf(await put(key.id, { description: null, isActive: true }), 200);
      const rotation = { everyDays: null, dueAt: null, lastRotatedAt: expect.any(String) };
      expect(body).toEqual(apiKeyBody({ id: key.id, createdAt: key.createdAt, name: "renamed", maskedValue: openaiMask(value), rotation }));
    });

    it("keeping its own name is not a conflict", async () => {
      expect(await jsonOf(await put(key.id, { name: "renamed" }), 200)).toMatchObject({ name: "renamed" });
    });
  });

  describe("400", () => {
    it("service cannot change", async () => {
      await expectError(await put(key.id, { service: "anthropic" }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: service cannot be changed; create a new key instead",
        details: [{ path: "service", message: "cannot be changed; create a new key instead" }],
      });
    });

    it("an empty body", async () => {
      await expectError(await put(key.id, {}), 400, {
        code: "VALIDATION_ERROR",
        message: "Nothing to update: send at least one field",
        details: [{ path: "body", message: "must contain at least one of name, description, value, isActive, isDefault, expiresAt, config, rotation" }],
      });
    });

    it("expiresAt not a date", async () => {
      await expectError(await put(key.id, { expiresAt: "soon" }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: expiresAt must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)",
        details: [{ path: "expiresAt", message: "must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)" }],
      });
    });

    it("expiresAt in the past", async () => {
      await expectError(await put(key.id, { expiresAt: "2021-06-01T00:00:00Z" }), 400, {
        code: "VALIDATION_ERROR",
        message: "expiresAt must be in the future",
        details: [{ path: "expiresAt", message: "must be in the future" }],
      });
    });

    it("field types", async () => {
      await expectError(await put(key.id, { name: "", isActive: "no" }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: name is required; isActive Invalid input: expected boolean, received string",
        details: [
          { path: "name", message: "is required" },
          { path: "isActive", message: "Invalid input: expected boolean, received string" },
        ],
      });
    });

    it("a new value of the wrong format", async () => {
      await expectError(await put(key.id, { value: "gsk_abcdefghijklmnopqrstuvwxyz" }), 400, {
        code: "INVALID_KEY_FORMAT",
        message:
          'Invalid API key format: OpenAI keys start with "sk-" followed by letters, digits, "-" and "_", at least 20 characters in all (this looks like a Groq key; add it under Groq)',
      });
    });

    it("malformed JSON", async () => {
      await expectError(await put(key.id, "{name:"), 400, {
        code: "VALIDATION_ERROR",
        message: "Malformed JSON in request body",
        details: [{ path: "body", message: "is not valid JSON" }],
      });
    });

    it("changed nothing", async () => {
      expect(await reveal(key.id)).toMatchObject({ name: "renamed", service: "openai", expiresAt: null, value });
    });
  });

  describe("404", () => {
    it("a missing id", async () => {
      await expectError(await put("key_doesnotexist0000000", { name: "x" }), 404, KEY_NOT_FOUND);
    });

    it("another user's key, same body as missing, and the key is unchanged", async () => {
      await expectError(await put(key.id, { name: "stolen", value: openaiKey(), isActive: false }, bob.cookie), 404, KEY_NOT_FOUND);
      expect(await reveal(key.id)).toMatchObject({ name: "renamed", isActive: true, value });
    });
  });

  describe("409", () => {
    it("a name another key of the service has", async () => {
      await expectError(await put(key.id, { name: "taken" }), 409, {
        code: "CONFLICT",
        message: 'An API key named "taken" already exists for openai',
      });
    });
  });

  describe("401", () => {
    it("without a session", async () => {
      await expectError(await h.request("PUT", `/api/api-keys/${key.id}`, { body: { name: "x" } }), 401, UNAUTHORIZED);
    });
  });

  describe("403", () => {
    it("a cookie request from another origin changes nothing", async () => {
      const res = await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: alice.cookie, origin: "http://localhost:3001", body: { isActive: false } });
      await expectError(res, 403, { code: "FORBIDDEN", message: "Origin http://localhost:3001 is not allowed" });
      expect(await reveal(key.id)).toMatchObject({ isActive: true });
    });
  });
});
