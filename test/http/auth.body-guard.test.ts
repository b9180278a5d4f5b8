/**
 * Found by the fuzz tests (test/http/fuzz/auth.fuzz.test.ts): better-auth takes any JSON for
 * update-user and passes `name`/`image` to the database as they come, and strings with NUL
 * reach PostgreSQL from several auth routes. Each of these answered 500; now 400.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, DEFAULT_PASSWORD, expectError, jsonOf, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const NUL_REFUSED = {
  code: "VALIDATION_ERROR",
  message: "Request body must not contain NUL characters",
  details: [{ path: "body", message: "must not contain NUL characters" }],
};

describeEachDatabase("auth body guard", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let ip = 0;
  const post = (path: string, body: unknown, cookie?: string) =>
    h.request("POST", `/api/auth${path}`, { cookie, body, headers: { "x-forwarded-for": `198.51.100.${++ip}` } });

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" } });
    alice = await h.signUp();
  });
  afterAll(() => h?.close());

  describe("POST /update-user: 400 for a name or image that is not a string (was 500)", () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const cases: [string, string, string][] = [
      ["name null", '{"name":null}', "name Invalid input: expected string, received null"],
      ["name a number", '{"name":5}', "name Invalid input: expected string, received number"],
      ["name an object", '{"name":{"a":1}}', "name Invalid input: expected string, received object"],
      ["name deeply nested", `{"name":${deep}}`, "name Invalid input: expected string, received array"],
      ["image an object", '{"image":{"a":1}}', "image Invalid input: expected string, received object"],
      ["image deeply nested", `{"name":"ok","image":${deep}}`, "image Invalid input: expected string, received array"],
    ];
    for (const [title, body, detail] of cases) {
      it(title, async () => {
        const res = await post("/update-user", body, alice.cookie);
        const error = JSON.parse(await expectError(res, 400, { code: "VALIDATION_ERROR", message: `Invalid request: ${detail}`, details: expect.any(Array) })).error;
        expect(error.details).toHaveLength(1);
      });
    }

    it("a string name and a null image still update the user", async () => {
      expect(await jsonOf(await post("/update-user", { name: "Alice A.", image: null }, alice.cookie), 200)).toEqual({ status: true });
      const session = await jsonOf(await h.request("GET", "/api/auth/get-session", { cookie: alice.cookie }), 200);
      expect(session.user).toMatchObject({ name: "Alice A.", image: null });
    });
  });

  describe("400 for NUL in any string of an auth body (PostgreSQL answered 500)", () => {
    it("update-user name and image", async () => {
      await expectError(await post("/update-user", { name: "a\u0000b" }, alice.cookie), 400, NUL_REFUSED);
      await expectError(await post("/update-user", { image: "https://example.com/\u0000.png" }, alice.cookie), 400, NUL_REFUSED);
    });

    it("revoke-session and reset-password tokens", async () => {
      await expectError(await post("/revoke-session", { token: "x\u0000" }, alice.cookie), 400, NUL_REFUSED);
      await expectError(await post("/reset-password", { token: "a\u0000", newPassword: DEFAULT_PASSWORD }), 400, NUL_REFUSED);
    });

    it("sign-up name and a key holding NUL; no account is made", async () => {
      const email = `nul-${unique()}@example.com`;
      await expectError(await post("/sign-up/email", { email, password: DEFAULT_PASSWORD, name: "a\u0000b" }), 400, NUL_REFUSED);
      await expectError(await post("/sign-up/email", { email, password: DEFAULT_PASSWORD, name: "ok", "x\u0000": 1 }), 400, NUL_REFUSED);
      const signIn = await post("/sign-in/email", { email, password: DEFAULT_PASSWORD });
      expect(signIn.status).toBe(401);
    });

    it("passwords are left alone: hashed, never stored as text", async () => {
      const email = `pw-${unique()}@example.com`;
      const password = "correct horse\u0000battery";
      await jsonOf(await post("/sign-up/email", { email, password, name: "pw" }), 200);
      await jsonOf(await post("/sign-in/email", { email, password }), 200);
    });
  });
});
