/**
 * KEYHAVEN_SIGNUP: `open` (the default) lets anyone create an account; `closed` refuses
 * POST /api/auth/sign-up/email with 403 FORBIDDEN, whatever the body, while existing accounts
 * sign in as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { cookieHeaderFrom, createHttpApp, DEFAULT_PASSWORD, expectError, jsonOf, sessionSetCookie, unique, type HttpApp } from "../support/http-app.js";
import { loadConfig } from "../../src/platform/config.js";
import { createApp } from "../../src/http/app.js";
import { composeServer } from "../../src/app/compose.js";

const CLOSED = { code: "FORBIDDEN", message: "Sign-up is closed on this server: an administrator adds accounts, and people invited to a team can sign up with the invited email" };

describeEachDatabase("KEYHAVEN_SIGNUP", (dialect) => {
  const email = () => `signup-${unique()}@example.com`;
  const signUpBody = (address: string) => ({ email: address, password: DEFAULT_PASSWORD, name: "New" });

  describe("closed", () => {
    let h: HttpApp;
    let openApp: ReturnType<typeof createApp>;
    beforeAll(async () => {
      h = await createHttpApp(dialect, { env: { KEYHAVEN_SIGNUP: "closed" } });
      // The same database served with sign-up open: how an account exists before closing.
      // No pruning at its start: see test/teams/invitation-mail.http.test.ts.
      const openRuntime = await h.tdb.runtime({ KEYHAVEN_SIGNUP: "open", KEYHAVEN_AUDIT_RETENTION_DAYS: "forever" });
      openApp = createApp(openRuntime, await composeServer(openRuntime));
    });
    afterAll(() => h?.close());

    describe("403", () => {
      it("sign-up is refused, no cookie, and no account was created", async () => {
        const address = email();
        const res = await h.request("POST", "/api/auth/sign-up/email", { body: signUpBody(address) });
        await expectError(res, 403, CLOSED);
        expect(sessionSetCookie(res)).toBeUndefined();
        expect((await h.request("POST", "/api/auth/sign-in/email", { body: { email: address, password: DEFAULT_PASSWORD } })).status).toBe(401);
      });

      it("whatever the body: malformed JSON, a form body, none", async () => {
        await expectError(await h.request("POST", "/api/auth/sign-up/email", { body: "{not json" }), 403, CLOSED);
        await expectError(
          await h.request("POST", "/api/auth/sign-up/email", {
            body: `email=${encodeURIComponent(email())}&password=x`,
            headers: { "content-type": "application/x-www-form-urlencoded" },
          }),
          403,
          CLOSED,
        );
        await expectError(await h.request("POST", "/api/auth/sign-up/email"), 403, CLOSED);
      });
    });

    describe("200", () => {
      it("an existing account signs in and uses the API", async () => {
        const address = email();
        const up = await openApp.request("/api/auth/sign-up/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: h.publicUrl },
          body: JSON.stringify(signUpBody(address)),
        });
        expect(up.status).toBe(200);
        const res = await h.request("POST", "/api/auth/sign-in/email", { body: { email: address, password: DEFAULT_PASSWORD } });
        expect((await jsonOf(res, 200)).user.email).toBe(address);
        expect(await jsonOf(await h.request("GET", "/api/api-keys", { cookie: cookieHeaderFrom(res) }), 200)).toEqual({ apiKeys: [], nextCursor: null });
      });
    });
  });

  describe("open", () => {
    let h: HttpApp;
    beforeAll(async () => {
      h = await createHttpApp(dialect, { env: { KEYHAVEN_SIGNUP: "open" } });
    });
    afterAll(() => h?.close());

    it("200: sign-up creates the account and signs in (also the default when unset)", async () => {
      expect(loadConfig({}).signup).toBe("open");
      expect(loadConfig({ KEYHAVEN_SIGNUP: " Closed " }).signup).toBe("closed");
      const address = email();
      const res = await h.request("POST", "/api/auth/sign-up/email", { body: signUpBody(address) });
      expect((await jsonOf(res, 200)).user.email).toBe(address);
      expect(sessionSetCookie(res)).toBeDefined();
    });
  });
});
