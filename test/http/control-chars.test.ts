/**
 * Bad input is a 4xx on both databases, never a 500: control characters in a path id, a keyId,
 * a key's name or description, and every field of better-auth's bodies (PostgreSQL refuses NUL
 * in text, so before the one rule of src/shared/control-chars.ts these were 500s there). And when
 * better-auth does fail inside, the error goes through our logger: no stack on the console.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, DEFAULT_PASSWORD, expectError, jsonOf, KEY_NOT_FOUND, openaiKey, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const MESSAGE = "must not contain control characters";
const refused = (path: string) => ({ code: "VALIDATION_ERROR", message: `Invalid request: ${path} ${MESSAGE}`, details: [{ path, message: MESSAGE }] });
const refusedUrl = (where: "path" | "query") => ({
  code: "VALIDATION_ERROR",
  message: `Invalid request: the ${where} ${MESSAGE}`,
  details: [{ path: where, message: MESSAGE }],
});

describeEachDatabase("control characters in input", (dialect) => {
  let h: HttpApp;
  let user: SignedUpUser;
  let keyId: string;
  let ip = 0;
  // Each auth request from an address of its own, so per-IP limits never interfere.
  const auth = (path: string, body: unknown, cookie?: string) =>
    h.request("POST", `/api/auth${path}`, { body, cookie, headers: { "x-forwarded-for": `203.0.113.${++ip}` } });

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" }, logLevel: "warn" });
    user = await h.signUp(`ctl-${unique()}@example.com`, { headers: { "x-forwarded-for": "203.0.113.250" } });
    const created = await jsonOf(await h.request("POST", "/api/api-keys", { cookie: user.cookie, body: { name: "k", service: "openai", value: openaiKey() } }), 201);
    keyId = created.id;
  });
  afterAll(() => h?.close());

  describe("400 VALIDATION_ERROR", () => {
    for (const encoded of ["%00", "%0A", "%0d", "%1B", "%7F", "%09"]) {
      it(`a key id with ${encoded} in the path, for every method`, async () => {
        const path = `/api/api-keys/key_${encoded}abc`;
        for (const [method, body] of [["GET"], ["PUT", { name: "x" }], ["DELETE"]] as const) {
          await expectError(await h.request(method, path, { cookie: user.cookie, body }), 400, refusedUrl("path"));
        }
      });
    }

    it("a control character in a query string, even one a route ignores", async () => {
      await expectError(await h.request("GET", `/api/api-keys/${keyId}?x=a%00b`, { cookie: user.cookie }), 400, refusedUrl("query"));
      await expectError(await h.request("GET", "/api/api-keys?service=openai%00", { cookie: user.cookie }), 400, refusedUrl("query"));
    });

    it("a control character in better-auth's path parameters (the reset-password link)", async () => {
      await expectError(await h.request("GET", "/api/auth/reset-password/abc%00def?callbackURL=/"), 400, refusedUrl("path"));
    });

    it("keyId with a NUL or a newline (POST /api/api-keys/test)", async () => {
      for (const bad of [`${keyId}\u0000`, "key_\u0000", `key_\n`]) {
        await expectError(await h.request("POST", "/api/api-keys/test", { cookie: user.cookie, body: { keyId: bad } }), 400, refused("keyId"));
      }
    });

    it("a name with any C0 control (tab and line breaks too: a name is one line) or DEL", async () => {
      for (const ch of ["\u0000", "\t", "\n", "\r", "\u001b", "\u007f"]) {
        const create = await h.request("POST", "/api/api-keys", { cookie: user.cookie, body: { name: `a${ch}b`, service: "openai", value: openaiKey() } });
        await expectError(create, 400, refused("name"));
        await expectError(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: user.cookie, body: { name: `a${ch}b` } }), 400, refused("name"));
      }
    });

    it("a description with NUL, ESC, DEL or another control that is not a tab or line break", async () => {
      for (const ch of ["\u0000", "\u0008", "\u000b", "\u001b", "\u007f"]) {
        await expectError(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: user.cookie, body: { description: `a${ch}b` } }), 400, refused("description"));
      }
    });

    it("a key value with a NUL is not a key (INVALID_KEY_FORMAT, also for aws and custom)", async () => {
      const bodies = [
        { name: "n", service: "openai", value: `${openaiKey()}\u0000` },
        { name: "n", service: "custom", value: "tok\u0000en", config: { baseUrl: "https://api.example.com" } },
        { name: "n", service: "aws", value: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY\u0000EXAMPLEKEY" } },
      ];
      for (const body of bodies) {
        const res = await h.request("POST", "/api/api-keys", { cookie: user.cookie, body });
        expect(res.status, await res.clone().text()).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^(INVALID_KEY_FORMAT|VALIDATION_ERROR)$/);
      }
    });

    const authCases: [string, string, (cookie: string) => unknown, string, boolean][] = [
      ["sign-up name", "/sign-up/email", () => ({ email: `n-${unique()}@example.com`, password: DEFAULT_PASSWORD, name: "a\u0000b" }), "name", false],
      ["sign-up name with a newline", "/sign-up/email", () => ({ email: `n-${unique()}@example.com`, password: DEFAULT_PASSWORD, name: "a\nb" }), "name", false],
      ["sign-up email", "/sign-up/email", () => ({ email: `n\u0000-${unique()}@example.com`, password: DEFAULT_PASSWORD, name: "n" }), "email", false],
      ["sign-up password with a NUL", "/sign-up/email", () => ({ email: `n-${unique()}@example.com`, password: "pass\u0000word-123", name: "n" }), "password", false],
      ["sign-in email", "/sign-in/email", () => ({ email: "a\u0000@example.com", password: DEFAULT_PASSWORD }), "email", false],
      ["sign-in password with a NUL", "/sign-in/email", () => ({ email: user.email, password: `${DEFAULT_PASSWORD}\u0000` }), "password", false],
      ["update-user name", "/update-user", () => ({ name: "a\u0000b" }), "name", true],
      ["update-user image", "/update-user", () => ({ image: "https://example.com/\u0000.png" }), "image", true],
      ["reset-password token", "/reset-password", () => ({ token: "tok\u0000en", newPassword: "new password 123" }), "token", false],
      ["change-password currentPassword", "/change-password", () => ({ currentPassword: "a\u0000b", newPassword: "new password 123" }), "currentPassword", true],
      ["change-password newPassword", "/change-password", () => ({ currentPassword: DEFAULT_PASSWORD, newPassword: "new\u0000password" }), "newPassword", true],
      ["revoke-session token", "/revoke-session", () => ({ token: "tok\u0000en" }), "token", true],
      ["request-password-reset redirectTo", "/request-password-reset", () => ({ email: user.email, redirectTo: "/\u001b[2J" }), "redirectTo", false],
    ];
    for (const [what, path, body, field, withSession] of authCases) {
      it(`auth: ${what} (POST /api/auth${path})`, async () => {
        await expectError(await auth(path, body(user.cookie), withSession ? user.cookie : undefined), 400, refused(field));
      });
    }

    it("auth: a field name with a control character, nested fields too", async () => {
      await expectError(await auth("/update-user", { "na\u0000me": "x" }, user.cookie), 400, refused("na\u0000me"));
      await expectError(await auth("/update-user", { name: "ok", extra: { list: ["fine", "bad\u0007"] } }, user.cookie), 400, refused("extra.list.1"));
    });

    it("nothing was changed by any refused request", async () => {
      const session = await jsonOf(await h.request("GET", "/api/auth/get-session", { cookie: user.cookie }), 200);
      expect(session.user).toMatchObject({ name: user.name, image: null });
      expect((await auth("/sign-in/email", { email: user.email, password: DEFAULT_PASSWORD })).status).toBe(200);
    });
  });

  describe("200/201: what the rule lets through", () => {
    it("a description keeps its tabs and line breaks", async () => {
      const description = "line one\n\tline two\r\nend";
      const res = await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: user.cookie, body: { description } });
      expect((await jsonOf(res, 200)).description).toBe(description);
    });

    it("a password may hold a tab (hashed, never stored as text): sign-up and sign-in work", async () => {
      const email = `tab-${unique()}@example.com`;
      const password = "tab\there-123";
      expect((await auth("/sign-up/email", { email, password, name: "Tab" })).status).toBe(200);
      expect((await auth("/sign-in/email", { email, password })).status).toBe(200);
    });

    it("a clean unknown id is still a 404, and %2500 is the text %00 (a 404 too)", async () => {
      await expectError(await h.request("GET", "/api/api-keys/key_doesnotexist", { cookie: user.cookie }), 404, KEY_NOT_FOUND);
      await expectError(await h.request("GET", "/api/api-keys/key_%2500", { cookie: user.cookie }), 404, KEY_NOT_FOUND);
    });
  });

  describe("500: better-auth's own failures go through our logger, never to the console", () => {
    it("a database error inside better-auth: our 500, one redacted log line without a stack, nothing printed", async () => {
      const token = `ResetTokenCanary${unique()}`;
      const newPassword = `NewPasswordCanary-${unique()}`;
      const printed: unknown[][] = [];
      const spies = (["error", "warn", "log", "info", "debug"] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args)),
      );
      const before = h.logs.length;
      // Break the table better-auth reads reset tokens from, then put it back.
      await sql`alter table verification rename to verification_gone`.execute(h.runtime.database.db);
      try {
        const res = await auth("/reset-password", { token, newPassword });
        await expectError(res, 500, { code: "INTERNAL", message: "Internal server error" });
      } finally {
        await sql`alter table verification_gone rename to verification`.execute(h.runtime.database.db);
        for (const spy of spies) spy.mockRestore();
      }
      expect(printed).toEqual([]);
      const lines = h.logs.slice(before);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(() => JSON.parse(line)).not.toThrow();
        expect(line).not.toMatch(/\s+at\s/);
        expect(line).not.toContain("\\n    at ");
        expect(line).not.toContain(token);
        expect(line).not.toContain(newPassword);
      }
      expect(lines.map((l) => JSON.parse(l).msg)).toContain("unhandled error");
    });
  });
});
