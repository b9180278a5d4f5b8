/**
 * better-auth's routes at /api/auth/*, behind our rate limits: sign-up, sign-in, sign-out,
 * get-session; password length; no account enumeration at sign-in; cookie attributes; 429s.
 * KEYHAVEN_TRUST_PROXY=true, so each test picks its client IP with X-Forwarded-For.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  awayFromWindowEdge,
  cookieHeaderFrom,
  createHttpApp,
  DEFAULT_PASSWORD,
  expectError,
  ISO_DATE,
  jsonOf,
  sessionSetCookie,
  UNAUTHORIZED,
  unique,
  type HttpApp,
} from "../support/http-app.js";
import { RATE_LIMITS } from "../../src/limits/rate-limiter.js";

let ipCounter = 0;
/** A client IP nobody else in this file uses. */
const freshIp = () => {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};
const email = () => `user-${unique()}@example.com`;

/** better-auth answers its own errors as `{ message, code }` (its routes are its own). */
/** better-auth's error codes, as our routes re-shape them into the one error body. */
const OUR_CODE: Record<string, string> = {
  PASSWORD_TOO_SHORT: "VALIDATION_ERROR",
  PASSWORD_TOO_LONG: "VALIDATION_ERROR",
  INVALID_EMAIL_OR_PASSWORD: "UNAUTHORIZED",
};
const authError = (betterAuthCode: string, message: string) => ({ error: { code: OUR_CODE[betterAuthCode], message } });

const userBody = (fields: { email: string; name: string }) => ({
  id: expect.any(String),
  email: fields.email,
  name: fields.name,
  emailVerified: false,
  image: null,
  createdAt: expect.stringMatching(ISO_DATE),
  updatedAt: expect.stringMatching(ISO_DATE),
});

function expectSessionCookieAttributes(setCookie: string | undefined, secure: boolean) {
  expect(setCookie).toBeDefined();
  const attributes = setCookie!.split(";").slice(1).map((a) => a.trim().toLowerCase());
  expect(attributes).toContain("httponly");
  expect(attributes).toContain("samesite=lax");
  expect(attributes).toContain("path=/");
  if (secure) {
    expect(attributes).toContain("secure");
    expect(setCookie).toMatch(/^__Secure-better-auth\.session_token=/);
  } else {
    expect(attributes).not.toContain("secure");
  }
}

describeEachDatabase("/api/auth", (dialect) => {
  let h: HttpApp;

  const post = (path: string, body: unknown, ip: string, extra: { cookie?: string; origin?: string | null } = {}) =>
    h.request("POST", `/api/auth${path}`, { body, headers: { "x-forwarded-for": ip }, ...extra });
  const signUp = (fields: { email: string; password?: string; name?: string }, ip = freshIp()) =>
    post("/sign-up/email", { name: fields.email.split("@")[0], password: DEFAULT_PASSWORD, ...fields }, ip);
  const signIn = (fields: { email: string; password: unknown }, ip = freshIp()) => post("/sign-in/email", fields, ip);
  const session = (cookie?: string) => h.request("GET", "/api/auth/get-session", { cookie, headers: { "x-forwarded-for": freshIp() } });

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" } });
  });
  afterAll(() => h?.close());

  describe("POST /sign-up/email", () => {
    describe("200", () => {
      it("creates the account and signs in: HttpOnly, SameSite=Lax session cookie (not Secure on http)", async () => {
        const address = email();
        const res = await signUp({ email: address, name: "Ada" });
        const body = await jsonOf(res, 200);
        expect(body).toEqual({ token: expect.any(String), user: userBody({ email: address, name: "Ada" }) });
        expectSessionCookieAttributes(sessionSetCookie(res), false);
        expect(res.headers.get("cache-control")).toBe("no-store");

        const current = await jsonOf(await session(cookieHeaderFrom(res)), 200);
        // get-session adds whether the user is an instance admin: Ada is this file's first account.
        expect(current.user).toEqual({ ...userBody({ email: address, name: "Ada" }), isAdmin: true });
      });

      it("takes passwords of exactly 8 and exactly 128 characters", async () => {
        expect((await signUp({ email: email(), password: "12345678" })).status).toBe(200);
        expect((await signUp({ email: email(), password: "p".repeat(128) })).status).toBe(200);
      });
    });

    describe("400", () => {
      it("a password under 8 characters; no account, no cookie", async () => {
        const address = email();
        const res = await signUp({ email: address, password: "1234567" });
        expect(await jsonOf(res, 400)).toEqual(authError("PASSWORD_TOO_SHORT", "Password too short"));
        expect(sessionSetCookie(res)).toBeUndefined();
        expect((await signIn({ email: address, password: "1234567" })).status).toBe(401);
      });

      it("a password over 128 characters; no account, no cookie", async () => {
        const address = email();
        const res = await signUp({ email: address, password: "p".repeat(129) });
        expect(await jsonOf(res, 400)).toEqual(authError("PASSWORD_TOO_LONG", "Password too long"));
        expect(sessionSetCookie(res)).toBeUndefined();
        const attempt = await signIn({ email: address, password: "p".repeat(129) });
        expect(attempt.status).toBe(400); // better-auth checks the length at sign-in too
        expect(sessionSetCookie(attempt)).toBeUndefined();
      });
    });
  });

  describe("POST /sign-in/email", () => {
    let address: string;
    beforeAll(async () => {
      address = email();
      expect((await signUp({ email: address })).status).toBe(200);
    });

    describe("200", () => {
      it("signs in with a session cookie (HttpOnly, SameSite=Lax)", async () => {
        const res = await signIn({ email: address, password: DEFAULT_PASSWORD });
        const body = await jsonOf(res, 200);
        expect(body).toEqual({ redirect: false, token: expect.any(String), user: userBody({ email: address, name: address.split("@")[0] }) });
        expectSessionCookieAttributes(sessionSetCookie(res), false);
        expect((await h.request("GET", "/api/api-keys", { cookie: cookieHeaderFrom(res) })).status).toBe(200);
      });

      it("the email is case-insensitive", async () => {
        expect((await signIn({ email: address.toUpperCase(), password: DEFAULT_PASSWORD })).status).toBe(200);
      });
    });

    describe("401", () => {
      it("a wrong password and an unknown email answer the identical status and body", async () => {
        const wrong = await signIn({ email: address, password: "not the password" });
        const unknown = await signIn({ email: email(), password: "not the password" });
        const [wrongText, unknownText] = [await wrong.text(), await unknown.text()];
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(wrong.status);
        expect(unknownText).toBe(wrongText);
        expect(JSON.parse(wrongText)).toEqual(authError("INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"));
        expect(wrong.headers.getSetCookie()).toEqual([]);
        expect(unknown.headers.getSetCookie()).toEqual([]);
      });
    });
  });

  describe("GET /get-session", () => {
    it("200 with the session and user for a cookie", async () => {
      const address = email();
      const res = await signUp({ email: address, name: "Grace" });
      const body = await jsonOf(await session(cookieHeaderFrom(res)), 200);
      expect(body).toEqual({
        session: expect.objectContaining({ userId: body.user.id, expiresAt: expect.stringMatching(ISO_DATE), token: expect.any(String) }),
        user: { ...userBody({ email: address, name: "Grace" }), isAdmin: false },
      });
    });

    it("200 null without a session", async () => {
      expect(await jsonOf(await session(), 200)).toBeNull();
      expect(await jsonOf(await session("better-auth.session_token=forged.forged"), 200)).toBeNull();
    });
  });

  describe("POST /sign-out", () => {
    it("200, clears the cookie, and the old cookie no longer works", async () => {
      const res = await signUp({ email: email() });
      const cookie = cookieHeaderFrom(res);
      expect((await h.request("GET", "/api/api-keys", { cookie })).status).toBe(200);

      const out = await post("/sign-out", {}, freshIp(), { cookie });
      expect(await jsonOf(out, 200)).toEqual({ success: true });
      expect(sessionSetCookie(out)).toMatch(/^better-auth\.session_token=;.*Max-Age=0/);

      expect(await jsonOf(await session(cookie), 200)).toBeNull();
      await expectError(await h.request("GET", "/api/api-keys", { cookie }), 401, UNAUTHORIZED);
    });
  });

  describe("403: cookie requests from another origin", () => {
    // better-auth turns its own Origin check off when NODE_ENV=test (or TEST is set) unless
    // told otherwise: these pin that it runs whatever the environment says.
    it("sign-out from another origin is refused and the session survives", async () => {
      const cookie = cookieHeaderFrom(await signUp({ email: email() }));
      const res = await post("/sign-out", {}, freshIp(), { cookie, origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
      expect((await h.request("GET", "/api/api-keys", { cookie })).status).toBe(200);
    });

    it("sign-in with a cookie from another origin is refused", async () => {
      const address = email();
      const cookie = cookieHeaderFrom(await signUp({ email: address }));
      const res = await post("/sign-in/email", { email: address, password: DEFAULT_PASSWORD }, freshIp(), { cookie, origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(sessionSetCookie(res)).toBeUndefined();
    });
  });

  describe("Secure cookie when KEYHAVEN_PUBLIC_URL is https", () => {
    let secure: HttpApp;
    beforeAll(async () => {
      secure = await createHttpApp(dialect, { env: { KEYHAVEN_PUBLIC_URL: "https://keys.example.com" } });
    });
    afterAll(() => secure?.close());

    it("sign-up and sign-in set a __Secure- HttpOnly SameSite=Lax Secure cookie that works", async () => {
      const address = email();
      const up = await secure.request("POST", "/api/auth/sign-up/email", { body: { email: address, password: DEFAULT_PASSWORD, name: "Sec" } });
      expect(up.status).toBe(200);
      expectSessionCookieAttributes(sessionSetCookie(up), true);

      const inRes = await secure.request("POST", "/api/auth/sign-in/email", { body: { email: address, password: DEFAULT_PASSWORD } });
      expect(inRes.status).toBe(200);
      expectSessionCookieAttributes(sessionSetCookie(inRes), true);
      expect(await jsonOf(await secure.request("GET", "/api/api-keys", { cookie: cookieHeaderFrom(inRes) }), 200)).toEqual({ apiKeys: [], nextCursor: null });
    });
  });

  describe("429", () => {
    /** Cheap attempts (refused by better-auth's own validation) still count against the limits. */
    const cheapSignIn = (address: string, ip: string) => signIn({ email: address, password: 0 }, ip);
    const cheapSignUp = (address: string, ip: string) => signUp({ email: address, password: "short" }, ip);

    async function expectRateLimited(res: Response, message: string, windowMs: number) {
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowMs / 1000).toBe(true);
      await expectError(res, 429, { code: "RATE_LIMITED", message: `${message}; try again in ${retryAfter} s` });
      expect(sessionSetCookie(res)).toBeUndefined();
    }

    it("sign-in per email: 10 wrong passwords from 10 IPs, then even the right one is refused", async () => {
      const { max, windowMs } = RATE_LIMITS.signInPerEmail;
      const address = email();
      expect((await signUp({ email: address })).status).toBe(200);
      await awayFromWindowEdge(windowMs, 15_000);
      for (let i = 0; i < max; i++) {
        // Mixed case: the limit is on the email, not on how it is typed.
        const typed = i % 2 ? address.toUpperCase() : address;
        expect((await signIn({ email: typed, password: `wrong password ${i}` }, freshIp())).status).toBe(401);
      }
      await expectRateLimited(await signIn({ email: address, password: DEFAULT_PASSWORD }, freshIp()), "Too many sign-in attempts", windowMs);
      // Another account is not affected.
      const other = email();
      expect((await signUp({ email: other })).status).toBe(200);
      expect((await signIn({ email: other, password: DEFAULT_PASSWORD })).status).toBe(200);
    });

    it("sign-in per IP: 30 attempts for 30 emails from one IP, then the 31st is refused", async () => {
      const { max, windowMs } = RATE_LIMITS.signInPerIp;
      const address = email();
      expect((await signUp({ email: address })).status).toBe(200);
      const ip = freshIp();
      await awayFromWindowEdge(windowMs, 15_000);
      for (let i = 0; i < max; i++) expect((await cheapSignIn(email(), ip)).status).toBe(400);
      await expectRateLimited(await signIn({ email: address, password: DEFAULT_PASSWORD }, ip), "Too many sign-in attempts", windowMs);
      // The same account from another IP is fine.
      expect((await signIn({ email: address, password: DEFAULT_PASSWORD }, freshIp())).status).toBe(200);
    });

    it("sign-up per email: 5 attempts from 5 IPs, then the 6th is refused", async () => {
      const { max, windowMs } = RATE_LIMITS.signUpPerEmail;
      const address = email();
      await awayFromWindowEdge(windowMs, 15_000);
      for (let i = 0; i < max; i++) expect((await cheapSignUp(address, freshIp())).status).toBe(400);
      await expectRateLimited(await signUp({ email: address }, freshIp()), "Too many sign-up attempts", windowMs);
      expect((await signIn({ email: address, password: DEFAULT_PASSWORD })).status).toBe(401);
    });

    it("sign-up per IP: 20 attempts from one IP, then the 21st is refused", async () => {
      const { max, windowMs } = RATE_LIMITS.signUpPerIp;
      const ip = freshIp();
      await awayFromWindowEdge(windowMs, 15_000);
      for (let i = 0; i < max; i++) expect((await cheapSignUp(email(), ip)).status).toBe(400);
      const address = email();
      await expectRateLimited(await signUp({ email: address }, ip), "Too many sign-up attempts", windowMs);
      // Another IP may sign up.
      expect((await signUp({ email: address }, freshIp())).status).toBe(200);
    });
  });
});
