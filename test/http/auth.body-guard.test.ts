/**
 * Found by the fuzz tests (test/http/fuzz/auth.fuzz.test.ts): better-auth takes any JSON for
 * update-user and passes `name`/`image` to the database as they come. Each of these answered
 * 500; now 400. (Control characters in auth bodies: control-chars.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";

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

    it("a 20,000-deep body is checked without overflowing the stack (a recursive walk answered 500)", async () => {
      const deeper = "[".repeat(20_000) + '"\\u0001"' + "]".repeat(20_000);
      const res = await post("/update-user", `{"name":"ok","x":${deeper}}`, alice.cookie);
      await expectError(res, 400, { code: "VALIDATION_ERROR", message: expect.stringContaining("must not contain control characters"), details: expect.any(Array) });
    });

    it("a string name and a null image still update the user", async () => {
      expect(await jsonOf(await post("/update-user", { name: "Alice A.", image: null }, alice.cookie), 200)).toEqual({ status: true });
      const session = await jsonOf(await h.request("GET", "/api/auth/get-session", { cookie: alice.cookie }), 200);
      expect(session.user).toMatchObject({ name: "Alice A.", image: null });
    });
  });
});
