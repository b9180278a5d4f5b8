/**
 * Password checks are throttled per account, and a lock-out ends with its window: sign-in per
 * email (RATE_LIMITS.signInPerEmail), change-password per signed-in user (PASSWORD_LIMIT,
 * RATE_LIMITS.passwordCheckPerUser), verify-password not reachable over HTTP at all. The
 * server clock is injected, so "after the window" is a step of the clock, not a wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, DEFAULT_PASSWORD, expectError, jsonOf, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { RATE_LIMITS } from "../../src/limits/rate-limiter.js";

/** The documented per-account limit on change-password: as sign-in's per email, 10 per 5 minutes. */
const PASSWORD_LIMIT = { max: 10, windowMs: 5 * 60_000 };

describeEachDatabase("password checks per account", (dialect) => {
  let h: HttpApp;
  // The server clock, at the start of a 5-minute window (both limits use 5-minute windows).
  let clock = 0;
  let ip = 0;
  const freshIp = () => `198.18.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;
  const post = (path: string, body: unknown, cookie?: string) =>
    h.request("POST", `/api/auth${path}`, { body, cookie, headers: { "x-forwarded-for": freshIp() } });
  const signUp = () => h.signUp(`pw-${unique()}@example.com`, { headers: { "x-forwarded-for": freshIp() } });
  const signIn = (email: string, password: string) => post("/sign-in/email", { email, password });
  const changePassword = (user: SignedUpUser, currentPassword: string, newPassword = `new ${unique()} password`) =>
    post("/change-password", { currentPassword, newPassword }, user.cookie);

  async function expectLimited(res: Response, message: string) {
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(300);
    await expectError(res, 429, { code: "RATE_LIMITED", message: `${message}; try again in ${retryAfter} s` });
  }

  beforeAll(async () => {
    const window = RATE_LIMITS.signInPerEmail.windowMs;
    expect(PASSWORD_LIMIT.windowMs).toBe(window);
    clock = Math.floor(Date.now() / window) * window;
    h = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" }, now: () => new Date(clock) });
  });
  afterAll(() => h?.close());

  describe("404: verify-password, a bare password oracle, is not served over HTTP", () => {
    it("with and without a session, right password or wrong: our 404, nothing checked", async () => {
      const user = await signUp();
      for (const [cookie, password] of [[user.cookie, DEFAULT_PASSWORD], [user.cookie, "wrong password"], [undefined, DEFAULT_PASSWORD]]) {
        await expectError(await post("/verify-password", { password }, cookie), 404, {
          code: "NOT_FOUND",
          message: "No route POST /api/auth/verify-password",
        });
      }
    });
  });

  describe("429: change-password, per signed-in account", () => {
    it(`${PASSWORD_LIMIT.max} wrong current passwords from as many IPs, then even the right one is refused until the window ends`, async () => {
      const { max, windowMs } = PASSWORD_LIMIT;
      const user = await signUp();
      const other = await signUp();
      for (let i = 0; i < max; i++) {
        await expectError(await changePassword(user, `wrong guess ${i}`), 400, { code: "VALIDATION_ERROR", message: "Invalid password" });
      }
      await expectLimited(await changePassword(user, DEFAULT_PASSWORD), "Too many password attempts");
      // Unchanged, and another account is not affected.
      expect((await signIn(user.email, DEFAULT_PASSWORD)).status).toBe(200);
      expect((await changePassword(other, DEFAULT_PASSWORD, "other new password")).status).toBe(200);

      clock += windowMs - 1_000;
      await expectLimited(await changePassword(user, DEFAULT_PASSWORD), "Too many password attempts");
      clock += 1_000;
      const changed = await changePassword(user, DEFAULT_PASSWORD, "the new password 1");
      expect(await jsonOf(changed, 200)).toMatchObject({ token: null, user: { id: user.id } });
      expect((await signIn(user.email, "the new password 1")).status).toBe(200);
      expect(RATE_LIMITS).toMatchObject({ passwordCheckPerUser: PASSWORD_LIMIT });
    });
  });

  describe("200 after the lock-out: sign-in per email", () => {
    it(`${RATE_LIMITS.signInPerEmail.max} wrong guesses lock the email out until the window ends, then the right password works`, async () => {
      const { max, windowMs } = RATE_LIMITS.signInPerEmail;
      const user = await signUp();
      for (let i = 0; i < max; i++) expect((await signIn(user.email, `wrong guess ${i}`)).status).toBe(401);
      await expectLimited(await signIn(user.email, DEFAULT_PASSWORD), "Too many sign-in attempts");
      clock += windowMs - 1_000;
      await expectLimited(await signIn(user.email, DEFAULT_PASSWORD), "Too many sign-in attempts");
      clock += 1_000;
      expect((await jsonOf(await signIn(user.email, DEFAULT_PASSWORD), 200)).user.id).toBe(user.id);
    });
  });
});
