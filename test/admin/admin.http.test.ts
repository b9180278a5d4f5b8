/**
 * Instance admins through the real app on both databases: who is admin (the first account, or
 * KEYHAVEN_ADMIN_EMAILS), every /api/admin route per status, disabling (sessions and tokens end
 * at once, also for a second instance; sign-in refused), service tokens (resolve only), and no
 * admin answer ever carrying a user's key value.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  createHttpApp,
  DEFAULT_PASSWORD,
  expectError,
  jsonOf,
  openaiKey,
  UNAUTHORIZED,
  unique,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";
import { createApp } from "../../src/http/app.js";
import { composeServer, type Runtime } from "../../src/app/compose.js";
import { userActor } from "../../src/access/actor.js";

const NOT_ADMIN = { code: "FORBIDDEN", message: "Only an instance admin may do that" };
const TOKEN_REFUSED = { code: "UNAUTHORIZED", message: "The access token is unknown, revoked or expired" };
const DISABLED = { code: "FORBIDDEN", message: "This account is disabled; an administrator can enable it again" };
const ADMIN_ROUTES: Array<[string, string, unknown?]> = [
  ["GET", "/api/admin/users"],
  ["POST", "/api/admin/users", { email: "x@example.com", name: "X", password: DEFAULT_PASSWORD }],
  ["POST", "/api/admin/users/some-id/disable"],
  ["POST", "/api/admin/users/some-id/enable"],
  ["GET", "/api/admin/tokens"],
  ["POST", "/api/admin/tokens", { name: "app", scopes: ["resolve"] }],
  ["DELETE", "/api/admin/tokens/tok_x"],
  ["GET", "/api/admin/backups"],
];

describeEachDatabase("instance admins: the first account", (dialect) => {
  let h: HttpApp;
  let admin: SignedUpUser;
  let bob: SignedUpUser;
  let bobToken: string;
  const bobValue = openaiKey();
  /** Every admin answer's text: none may contain a key value. */
  const answers: string[] = [];

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    admin = await h.signUp();
    bob = await h.signUp();
    await h.createKey(bob, { name: "bob openai", service: "openai", value: bobValue });
    bobToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: bob.cookie, body: { name: "all", scopes: ["keys:read", "keys:write", "keys:reveal", "resolve"] } }), 201)).token;
  });
  afterAll(() => h?.close());

  /** An admin request whose answer is kept for the key-value scan. */
  async function asAdmin(method: string, path: string, body?: unknown, user = admin): Promise<Response> {
    const res = await h.request(method, path, { cookie: user.cookie, body });
    answers.push(await res.clone().text());
    return res;
  }
  const bearer = (token: string, method: string, path: string, body?: unknown) =>
    h.request(method, path, { origin: null, headers: { authorization: `Bearer ${token}` }, body });
  const session = async (user: SignedUpUser) => jsonOf(await h.request("GET", "/api/auth/get-session", { cookie: user.cookie }), 200);

  it("the session says who is admin: the first account is, the second is not", async () => {
    expect((await session(admin)).user).toMatchObject({ id: admin.id, isAdmin: true });
    expect((await session(bob)).user).toMatchObject({ id: bob.id, isAdmin: false });
  });

  describe("GET /api/admin/users", () => {
    it("200: every account, oldest first, with admin and disabled flags — no keys", async () => {
      const list = await jsonOf(await asAdmin("GET", "/api/admin/users"), 200);
      expect(list.users.slice(0, 2)).toEqual([
        { id: admin.id, email: admin.email, name: admin.name, createdAt: expect.any(String), disabled: false, disabledAt: null, isAdmin: true },
        { id: bob.id, email: bob.email, name: bob.name, createdAt: expect.any(String), disabled: false, disabledAt: null, isAdmin: false },
      ]);
      expect(Object.keys(list)).toEqual(["users"]);
    });
    it("401 without a session", async () => {
      await expectError(await h.request("GET", "/api/admin/users"), 401, UNAUTHORIZED);
    });
    it("403 for a user who is not an admin", async () => {
      await expectError(await asAdmin("GET", "/api/admin/users", undefined, bob), 403, NOT_ADMIN);
    });
  });

  describe("every admin route", () => {
    it("401 without a session, 403 for a non-admin, 401 with a bearer token (even one with every scope)", async () => {
      for (const [method, path, body] of ADMIN_ROUTES) {
        await expectError(await h.request(method, path, { body }), 401, UNAUTHORIZED);
        await expectError(await h.request(method, path, { cookie: bob.cookie, body }), 403, NOT_ADMIN);
        await expectError(await bearer(bobToken, method, path, body), 401, UNAUTHORIZED);
      }
    });
    it("403 for a cookie request from another origin, admin or not", async () => {
      const res = await h.request("POST", "/api/admin/tokens", { cookie: admin.cookie, origin: "https://evil.example", body: { name: "x", scopes: ["resolve"] } });
      await expectError(res, 403, { code: "FORBIDDEN", message: "Origin https://evil.example is not allowed" });
    });
  });

  describe("POST /api/admin/users", () => {
    it("201: the account, which signs in with its password; nobody was signed in by the creation", async () => {
      const email = `added-${unique()}@Example.com`;
      const res = await asAdmin("POST", "/api/admin/users", { email, name: "Added", password: DEFAULT_PASSWORD });
      expect(res.headers.getSetCookie()).toEqual([]);
      const user = await jsonOf(res, 201);
      expect(user).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: "Added", createdAt: expect.any(String), disabled: false, disabledAt: null, isAdmin: false });
      const signIn = await h.request("POST", "/api/auth/sign-in/email", { body: { email, password: DEFAULT_PASSWORD } });
      expect(signIn.status).toBe(200);
      const wrong = await h.request("POST", "/api/auth/sign-in/email", { body: { email, password: "not the password" } });
      expect(wrong.status).toBe(401);
    });
    it("400: bad email, short password, missing name, unknown field", async () => {
      const res = await asAdmin("POST", "/api/admin/users", { email: "nope", name: "", password: "short", role: "admin" });
      const body = await jsonOf(res, 400);
      expect(body.error.code).toBe("VALIDATION_ERROR");
      expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["body", "email", "name", "password"]);
    });
    it("409: the email is taken", async () => {
      await expectError(await asAdmin("POST", "/api/admin/users", { email: bob.email.toUpperCase(), name: "Again", password: DEFAULT_PASSWORD }), 409, {
        code: "CONFLICT",
        message: "An account with this email already exists",
      });
    });
  });

  describe("POST /api/admin/tokens, GET /api/admin/tokens, DELETE /api/admin/tokens/:id", () => {
    it("201: a service token, shown once; it resolves any user's key and cannot list, read or reveal keys", async () => {
      const created = await jsonOf(await asAdmin("POST", "/api/admin/tokens", { name: "billing app", scopes: ["resolve"] }), 201);
      expect(created.token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
      expect(created.accessToken).toMatchObject({ name: "billing app", kind: "service", scopes: ["resolve"], expiresAt: null });

      const actor = await h.runtime.tokens.verify(created.token);
      expect(actor).toMatchObject({ type: "token", kind: "service", userId: null });
      const key = await h.runtime.keys.findUsableKey(actor, { type: "user", id: bob.id }, "openai");
      expect(key?.value).toBe(bobValue);

      await expectError(await bearer(created.token, "GET", "/api/api-keys"), 403, { code: "FORBIDDEN", message: "This token lacks the keys:read scope" });
      const list = await jsonOf(await asAdmin("GET", "/api/admin/tokens"), 200);
      expect(list.tokens.map((t: { id: string }) => t.id)).toContain(created.accessToken.id);
      expect(JSON.stringify(list)).not.toContain(created.token);
    });
    it("400: a scope a service token cannot use, or no name", async () => {
      const body = await jsonOf(await asAdmin("POST", "/api/admin/tokens", { name: "", scopes: ["keys:read"] }), 400);
      expect(body.error.details).toEqual([
        { path: "name", message: "is required" },
        { path: "scopes.0", message: "a service token can only have: resolve" },
      ]);
    });
    it("GET lists service tokens only, never a user's personal ones", async () => {
      const list = await jsonOf(await asAdmin("GET", "/api/admin/tokens"), 200);
      expect(list.tokens.every((t: { kind: string }) => t.kind === "service")).toBe(true);
      expect(list.tokens.map((t: { name: string }) => t.name)).not.toContain("all");
    });
    it("204: revoked, refused at once; 404 the second time, and for a personal token's id", async () => {
      const created = await jsonOf(await asAdmin("POST", "/api/admin/tokens", { name: "short-lived", scopes: ["resolve"] }), 201);
      const res = await asAdmin("DELETE", `/api/admin/tokens/${created.accessToken.id}`);
      expect(res.status).toBe(204);
      await expect(h.runtime.tokens.verify(created.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      await expectError(await asAdmin("DELETE", `/api/admin/tokens/${created.accessToken.id}`), 404, { code: "NOT_FOUND", message: "Service token not found" });
      const personal = (await jsonOf(await h.request("GET", "/api/tokens", { cookie: bob.cookie }), 200)).tokens[0].id as string;
      await expectError(await asAdmin("DELETE", `/api/admin/tokens/${personal}`), 404, { code: "NOT_FOUND", message: "Service token not found" });
    });
  });

  describe("POST /api/admin/users/:id/disable and /enable", () => {
    let carol: SignedUpUser;
    let carolToken: string;
    let secondInstance: Runtime;
    beforeAll(async () => {
      carol = await h.signUp();
      carolToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: carol.cookie, body: { name: "ci", scopes: ["keys:read"] } }), 201)).token;
      // Another instance on the same database: it must see the disable without restarting.
      secondInstance = await h.tdb.runtime();
    });

    it("200: the account is disabled; its session and token stop working at once, here and on another instance", async () => {
      expect((await h.request("GET", "/api/api-keys", { cookie: carol.cookie })).status).toBe(200);
      expect((await bearer(carolToken, "GET", "/api/api-keys")).status).toBe(200);
      await expect(secondInstance.tokens.verify(carolToken)).resolves.toMatchObject({ userId: carol.id });

      const user = await jsonOf(await asAdmin("POST", `/api/admin/users/${carol.id}/disable`), 200);
      expect(user).toMatchObject({ id: carol.id, disabled: true, disabledAt: expect.any(String), isAdmin: false });

      await expectError(await h.request("GET", "/api/api-keys", { cookie: carol.cookie }), 401, UNAUTHORIZED);
      expect(await session(carol)).toBeNull();
      await expectError(await bearer(carolToken, "GET", "/api/api-keys"), 401, TOKEN_REFUSED);
      await expect(secondInstance.tokens.verify(carolToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      const sessions = await h.runtime.database.db.selectFrom("session").select("id").where("userId", "=", carol.id).execute();
      expect(sessions).toEqual([]);
    });

    it("sign-in is refused with a clear error, and sets no cookie", async () => {
      const res = await h.request("POST", "/api/auth/sign-in/email", { body: { email: carol.email, password: DEFAULT_PASSWORD } });
      expect(res.headers.getSetCookie().filter((c) => c.includes("session_token=") && !/session_token=;/.test(c))).toEqual([]);
      await expectError(res, 403, DISABLED);
    });

    it("a session row that survived a disable (a sign-in racing it) is refused too", async () => {
      const [row] = await h.runtime.database.db.selectFrom("session").selectAll().where("userId", "=", admin.id).execute();
      const token = `t${unique()}`;
      await h.runtime.database.db.insertInto("session").values({ ...row, id: `s-${unique()}`, token, userId: carol.id }).execute();
      // Signed as better-call signs it, so the cookie is a valid one for that row.
      const signature = createHmac("sha256", h.runtime.authSecret).update(token).digest("base64");
      const cookie = `better-auth.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
      await expectError(await h.request("GET", "/api/api-keys", { cookie }), 401, UNAUTHORIZED);
      expect(await jsonOf(await h.request("GET", "/api/auth/get-session", { cookie }), 200)).toBeNull();
    });

    it("a personal token made after the disable (a request racing it) is refused too", async () => {
      const late = await h.runtime.tokens.create(userActor(carol.id), { name: "late", scopes: ["keys:read"] });
      await expectError(await bearer(late.token, "GET", "/api/api-keys"), 401, TOKEN_REFUSED);
    });

    it("the user list shows the account disabled", async () => {
      const list = await jsonOf(await asAdmin("GET", "/api/admin/users"), 200);
      expect(list.users.find((u: { id: string }) => u.id === carol.id)).toMatchObject({ disabled: true });
    });

    it("409: an admin cannot disable their own account", async () => {
      await expectError(await asAdmin("POST", `/api/admin/users/${admin.id}/disable`), 409, {
        code: "CONFLICT",
        message: "You cannot disable your own account; another admin can",
      });
      expect((await h.request("GET", "/api/admin/users", { cookie: admin.cookie })).status).toBe(200);
    });

    it("400: an id with a control character (refused before any lookup)", async () => {
      const res = await asAdmin("POST", "/api/admin/users/bad%0Aid/disable");
      expect((await jsonOf(res, 400)).error.code).toBe("VALIDATION_ERROR");
      const revoke = await asAdmin("DELETE", "/api/admin/tokens/tok%00x");
      expect((await jsonOf(revoke, 400)).error.code).toBe("VALIDATION_ERROR");
    });

    it("404: no such account", async () => {
      await expectError(await asAdmin("POST", "/api/admin/users/no-such-user/disable"), 404, { code: "NOT_FOUND", message: "User not found" });
      await expectError(await asAdmin("POST", "/api/admin/users/no-such-user/enable"), 404, { code: "NOT_FOUND", message: "User not found" });
    });

    it("enable, 200: the account signs in again; the old token stays revoked", async () => {
      const user = await jsonOf(await asAdmin("POST", `/api/admin/users/${carol.id}/enable`), 200);
      expect(user).toMatchObject({ id: carol.id, disabled: false, disabledAt: null });
      const res = await h.request("POST", "/api/auth/sign-in/email", { body: { email: carol.email, password: DEFAULT_PASSWORD } });
      expect(res.status).toBe(200);
      await expectError(await bearer(carolToken, "GET", "/api/api-keys"), 401, TOKEN_REFUSED);
    });
  });

  it("no admin answer carried a user's key value or key list", () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const text of answers) {
      expect(text).not.toContain(bobValue);
      expect(text).not.toContain("bob openai");
    }
  });
});

describeEachDatabase("instance admins: KEYHAVEN_ADMIN_EMAILS", (dialect) => {
  let h: HttpApp;
  let first: SignedUpUser;
  let boss: SignedUpUser;
  const bossEmail = `boss-${unique()}@example.com`;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_ADMIN_EMAILS: ` someone@example.com , ${bossEmail.toUpperCase()}` } });
    first = await h.signUp();
    boss = await h.signUp(bossEmail);
  });
  afterAll(() => h?.close());

  it("the listed email is admin (any case); the first account is not", async () => {
    await expectError(await h.request("GET", "/api/admin/users", { cookie: first.cookie }), 403, NOT_ADMIN);
    const list = await jsonOf(await h.request("GET", "/api/admin/users", { cookie: boss.cookie }), 200);
    expect(list.users.map((u: { id: string; isAdmin: boolean }) => [u.id, u.isAdmin])).toEqual([
      [first.id, false],
      [boss.id, true],
    ]);
    const s = await jsonOf(await h.request("GET", "/api/auth/get-session", { cookie: first.cookie }), 200);
    expect(s.user.isAdmin).toBe(false);
  });

  it("an admin may disable another admin's account, never their own", async () => {
    await expectError(await h.request("POST", `/api/admin/users/${boss.id}/disable`, { cookie: boss.cookie }), 409, {
      code: "CONFLICT",
      message: "You cannot disable your own account; another admin can",
    });
  });
});

describeEachDatabase("instance admins with KEYHAVEN_SIGNUP=closed", (dialect) => {
  let h: HttpApp;
  let closed: ReturnType<typeof createApp>;
  let admin: SignedUpUser;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    admin = await h.signUp();
    // The same database served with sign-up closed (no pruning at its start: see test/teams/invitation-mail.http.test.ts).
    const rt = await h.tdb.runtime({ KEYHAVEN_SIGNUP: "closed", KEYHAVEN_AUDIT_RETENTION_DAYS: "forever" });
    closed = createApp(rt, await composeServer(rt));
  });
  afterAll(() => h?.close());

  it("sign-up answers 403, yet the admin adds an account, which signs in", async () => {
    const send = (path: string, body: unknown, cookie?: string) =>
      closed.request(path, { method: "POST", headers: { origin: h.publicUrl, "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
    const email = `closed-${unique()}@example.com`;
    expect((await send("/api/auth/sign-up/email", { email, name: "N", password: DEFAULT_PASSWORD })).status).toBe(403);
    expect((await send("/api/admin/users", { email, name: "N", password: DEFAULT_PASSWORD }, admin.cookie)).status).toBe(201);
    expect((await send("/api/auth/sign-in/email", { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });
});
