/**
 * The fast session check (src/auth/session-reader.ts) against real better-auth sessions: it
 * must answer the user only when better-auth would answer the same without writing, and
 * `undefined` otherwise — after which `requireUser` asks better-auth, so the route still
 * answers exactly as better-auth decides (401, or 200 with a refreshed session).
 */
import { createHmac, randomBytes } from "node:crypto";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "../../src/auth/auth.js";
import { createSessionReader, verifySignedCookie, type SessionReader } from "../../src/auth/session-reader.js";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, UNAUTHORIZED, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const DAY_S = 24 * 60 * 60;
const COOKIE = "better-auth.session_token";

/** better-call's signed value: `token.` + standard base64 of HMAC-SHA256(secret, token). */
const sign = (token: string, secret: string) => `${token}.${createHmac("sha256", secret).update(token).digest("base64")}`;

describe("verifySignedCookie", () => {
  const secret = "a-test-secret-of-some-length-0123456789";

  it("returns the token of a value signed with the secret", () => {
    expect(verifySignedCookie(sign("abc", secret), secret)).toBe("abc");
    // The signature starts after the last dot: tokens may hold dots.
    expect(verifySignedCookie(sign("a.b.c", secret), secret)).toBe("a.b.c");
    const token = randomBytes(24).toString("base64url");
    expect(verifySignedCookie(sign(token, secret), secret)).toBe(token);
  });

  it("refuses another secret, another token, or a changed signature", () => {
    const value = sign("abc", secret);
    expect(verifySignedCookie(value, secret + "x")).toBeUndefined();
    expect(verifySignedCookie("abd" + value.slice(3), secret)).toBeUndefined();
    const sig = value.slice(value.indexOf(".") + 1);
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect(verifySignedCookie(`abc.${flipped}`, secret)).toBeUndefined();
  });

  it("refuses malformed values: no dot, empty token, wrong signature length or padding", () => {
    const value = sign("abc", secret);
    const sig = value.slice(4);
    expect(sig).toHaveLength(44);
    expect(verifySignedCookie("abc", secret)).toBeUndefined();
    expect(verifySignedCookie(sig, secret)).toBeUndefined();
    expect(verifySignedCookie(`.${sig}`, secret)).toBeUndefined();
    expect(verifySignedCookie(`abc.${sig.slice(0, 43)}`, secret)).toBeUndefined();
    expect(verifySignedCookie(`abc.${sig}=`, secret)).toBeUndefined();
    expect(verifySignedCookie(`abc.${sig.slice(0, 43)}A`, secret)).toBeUndefined();
    // The raw 32 bytes in base64url (43 characters, no padding) are not better-call's format.
    const raw = createHmac("sha256", secret).update("abc").digest("base64url");
    expect(verifySignedCookie(`abc.${raw}`, secret)).toBeUndefined();
    expect(verifySignedCookie("", secret)).toBeUndefined();
  });
});

describeEachDatabase("session reader", (dialect) => {
  let h: HttpApp;
  let auth: Auth;
  let read: SessionReader;
  let ctx: Awaited<Auth["$context"]>;
  let alice: SignedUpUser;

  const betterAuthUserId = async (cookie: string) => (await auth.api.getSession({ headers: new Headers({ cookie }) }))?.user.id;
  const cookieValue = (user: SignedUpUser) => decodeURIComponent(/better-auth\.session_token=([^;]*)/.exec(user.cookie)![1]);
  const listKeys = (cookie?: string) => h.request("GET", "/api/api-keys", { cookie });

  async function storedExpiry(token: string): Promise<number | undefined> {
    const row = await h.runtime.database.db.selectFrom("session").select("expiresAt").where("token", "=", token).executeTakeFirst();
    return row ? new Date(row.expiresAt).getTime() : undefined;
  }
  /** expiresAt as each dialect stores it: ISO text on SQLite, timestamptz on PostgreSQL. */
  async function setExpiry(token: string, ms: number): Promise<void> {
    const value = dialect === "sqlite" ? new Date(ms).toISOString() : new Date(ms);
    const res = await h.runtime.database.db.updateTable("session").set({ expiresAt: value }).where("token", "=", token).executeTakeFirst();
    expect(Number(res.numUpdatedRows)).toBe(1);
  }
  /** A reader built the way requireUser builds it, from better-auth's resolved settings. */
  function readerFor(now?: () => number): SessionReader {
    return createSessionReader(h.runtime.database.db, h.runtime.database.reader, {
      secret: ctx.secret,
      cookieName: ctx.authCookies.sessionToken.name,
      expiresIn: ctx.sessionConfig.expiresIn,
      updateAge: ctx.sessionConfig.updateAge,
      now,
    });
  }

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    const rt = h.runtime;
    auth = createAuth({ config: rt.config, database: rt.database, secret: rt.authSecret, logger: rt.logger, admins: rt.admins, teams: rt.teams });
    ctx = await auth.$context;
    read = readerFor();
    alice = await h.signUp(undefined, { name: "Alice Reader" });
  });
  afterAll(() => h?.close());

  it("is built from the settings src/auth/auth.ts gives better-auth", () => {
    expect(ctx.secret).toBe(h.runtime.authSecret);
    expect(ctx.authCookies.sessionToken.name).toBe(COOKIE);
    expect(ctx.sessionConfig.expiresIn).toBe(7 * DAY_S);
    expect(ctx.sessionConfig.updateAge).toBe(DAY_S);
  });

  describe("a valid session cookie", () => {
    it("answers the user (id, email, name), the same user better-auth answers", async () => {
      const user = await read(alice.cookie);
      expect(user).toEqual({ id: alice.id, email: alice.email, name: "Alice Reader" });
      expect(await betterAuthUserId(alice.cookie)).toBe(alice.id);
      // Asked again (cached on SQLite while nothing changed): the same answer.
      expect(await read(alice.cookie)).toEqual(user);
      await jsonOf(await listKeys(alice.cookie), 200);
    });

    it("among other cookies, and not URL-encoded", async () => {
      const value = cookieValue(alice);
      expect(await read(`theme=dark; ${COOKIE}=${encodeURIComponent(value)}; lang=en`)).toMatchObject({ id: alice.id });
      expect(await read(`${COOKIE}=${value}`)).toMatchObject({ id: alice.id });
      expect(await betterAuthUserId(`${COOKIE}=${value}`)).toBe(alice.id);
    });

    it("with the cookie name twice, the first one wins, as better-call reads it", async () => {
      const valid = `${COOKIE}=${encodeURIComponent(cookieValue(alice))}`;
      const bogus = `${COOKIE}=${encodeURIComponent(sign("not-a-session", "wrong secret"))}`;
      expect(await read(`${valid}; ${bogus}`)).toMatchObject({ id: alice.id });
      expect(await betterAuthUserId(`${valid}; ${bogus}`)).toBe(alice.id);
      expect(await read(`${bogus}; ${valid}`)).toBeUndefined();
      expect(await betterAuthUserId(`${bogus}; ${valid}`)).toBeUndefined();
      await expectError(await listKeys(`${bogus}; ${valid}`), 401, UNAUTHORIZED);
      await jsonOf(await listKeys(`${valid}; ${bogus}`), 200);
    });
  });

  describe("anything else is left to better-auth (undefined)", () => {
    it("a tampered signature", async () => {
      const value = cookieValue(alice);
      const dot = value.lastIndexOf(".");
      const sig = value.slice(dot + 1);
      const tampered = `${value.slice(0, dot)}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
      const cookie = `${COOKIE}=${encodeURIComponent(tampered)}`;
      expect(await read(cookie)).toBeUndefined();
      expect(await betterAuthUserId(cookie)).toBeUndefined();
      await expectError(await listKeys(cookie), 401, UNAUTHORIZED);
    });

    it("a tampered token (the old signature)", async () => {
      const value = cookieValue(alice);
      const tampered = (value[0] === "A" ? "B" : "A") + value.slice(1);
      const cookie = `${COOKIE}=${encodeURIComponent(tampered)}`;
      expect(await read(cookie)).toBeUndefined();
      expect(await betterAuthUserId(cookie)).toBeUndefined();
      await expectError(await listKeys(cookie), 401, UNAUTHORIZED);
    });

    it("a correctly signed token that names no session", async () => {
      const cookie = `${COOKIE}=${encodeURIComponent(sign(randomBytes(24).toString("base64url"), ctx.secret))}`;
      expect(await read(cookie)).toBeUndefined();
      expect(await betterAuthUserId(cookie)).toBeUndefined();
      await expectError(await listKeys(cookie), 401, UNAUTHORIZED);
    });

    it("the right value under another name, a look-alike name, no cookie at all", async () => {
      const value = encodeURIComponent(cookieValue(alice));
      for (const cookie of [
        undefined,
        "",
        "theme=dark; lang=en",
        `other=${value}`,
        `x${COOKIE}=${value}`,
        `${COOKIE}.old=${value}`,
        `${COOKIE}=`,
        `${COOKIE}`,
      ]) {
        expect(await read(cookie), String(cookie)).toBeUndefined();
        if (cookie) expect(await betterAuthUserId(cookie), cookie).toBeUndefined();
        await expectError(await listKeys(cookie || undefined), 401, UNAUTHORIZED);
      }
    });
  });

  describe("the session's state is read at every call", () => {
    it("after sign-out: undefined, and the route answers 401 at once", async () => {
      const bob = await h.signUp();
      expect(await read(bob.cookie)).toMatchObject({ id: bob.id });
      await jsonOf(await listKeys(bob.cookie), 200);

      const out = await h.request("POST", "/api/auth/sign-out", { cookie: bob.cookie, body: {} });
      expect(await jsonOf(out, 200)).toEqual({ success: true });
      expect(await storedExpiry(bob.sessionToken)).toBeUndefined();

      expect(await read(bob.cookie)).toBeUndefined();
      await expectError(await listKeys(bob.cookie), 401, UNAUTHORIZED);
      expect(await betterAuthUserId(bob.cookie)).toBeUndefined();
    });

    it("an expired session: undefined; better-auth refuses it (401) and deletes it", async () => {
      const carol = await h.signUp();
      expect(await read(carol.cookie)).toMatchObject({ id: carol.id });
      await setExpiry(carol.sessionToken, Date.now() - 1000);

      expect(await read(carol.cookie)).toBeUndefined();
      await expectError(await listKeys(carol.cookie), 401, UNAUTHORIZED);
      // The 401 came from better-auth (the fallback ran): it cleaned the expired session up.
      expect(await storedExpiry(carol.sessionToken)).toBeUndefined();
      expect(await read(carol.cookie)).toBeUndefined();
    });

    it("a session due for refresh: undefined; the route still answers 200 through better-auth, which extends it", async () => {
      const dave = await h.signUp();
      const { expiresIn, updateAge } = ctx.sessionConfig;
      const due = Date.now() + (expiresIn - updateAge) * 1000 - 60_000;
      await setExpiry(dave.sessionToken, due);

      expect(await read(dave.cookie)).toBeUndefined();
      // better-auth itself still accepts it.
      const before = Date.now();
      const body = await jsonOf(await listKeys(dave.cookie), 200);
      expect(body).toEqual({ apiKeys: [], nextCursor: null });

      const refreshed = (await storedExpiry(dave.sessionToken))!;
      expect(refreshed).toBeGreaterThan(due + 23 * 3_600_000);
      expect(refreshed).toBeGreaterThanOrEqual(before + expiresIn * 1000 - 1000);
      expect(refreshed).toBeLessThanOrEqual(Date.now() + expiresIn * 1000 + 1000);
      // Refreshed, it is the common case again.
      expect(await read(dave.cookie)).toMatchObject({ id: dave.id });
    });

    it("the user row deleted: undefined and 401", async () => {
      const erin = await h.signUp();
      expect(await read(erin.cookie)).toMatchObject({ id: erin.id });
      await h.runtime.database.db.deleteFrom("user").where("id", "=", erin.id).execute();
      expect(await read(erin.cookie)).toBeUndefined();
      await expectError(await listKeys(erin.cookie), 401, UNAUTHORIZED);
      expect(await betterAuthUserId(erin.cookie)).toBeUndefined();
    });

    it("a changed user name is seen at the next call", async () => {
      const fay = await h.signUp(undefined, { name: "Fay" });
      expect(await read(fay.cookie)).toMatchObject({ name: "Fay" });
      await h.runtime.database.db.updateTable("user").set({ name: "Fay Renamed" }).where("id", "=", fay.id).execute();
      expect(await read(fay.cookie)).toEqual({ id: fay.id, email: fay.email, name: "Fay Renamed" });
    });

    if (dialect === "sqlite") {
      it("a session deleted by another connection on the same file: undefined at the next call", async () => {
        const gus = await h.signUp();
        expect(await read(gus.cookie)).toMatchObject({ id: gus.id });
        await jsonOf(await listKeys(gus.cookie), 200);
        const other = new SQLite(h.runtime.database.location);
        try {
          other.pragma("busy_timeout = 5000");
          expect(other.prepare('delete from "session" where token = ?').run(gus.sessionToken).changes).toBe(1);
        } finally {
          other.close();
        }
        expect(await read(gus.cookie)).toBeUndefined();
        await expectError(await listKeys(gus.cookie), 401, UNAUTHORIZED);
      });

      it("an unreadable expiresAt (not a date): undefined, the route answers what better-auth decides", async () => {
        const hal = await h.signUp();
        await h.runtime.database.db.updateTable("session").set({ expiresAt: "not a date" }).where("token", "=", hal.sessionToken).execute();
        expect(await read(hal.cookie)).toBeUndefined();
        const verdict = await betterAuthUserId(hal.cookie);
        const res = await listKeys(hal.cookie);
        expect(res.status, await res.clone().text()).toBe(verdict === hal.id ? 200 : 401);
      });
    }
  });

  describe("against its clock, with nothing written", () => {
    it("answers up to the refresh point, then not; expiry is better-auth's (expiresAt < now)", async () => {
      const expiresAt = (await storedExpiry(alice.sessionToken))!;
      const refreshAt = expiresAt - (ctx.sessionConfig.expiresIn - ctx.sessionConfig.updateAge) * 1000;
      let t = refreshAt - 1;
      const at = readerFor(() => t);

      expect(await at(alice.cookie)).toMatchObject({ id: alice.id });
      t = refreshAt; // better-auth: expiresAt - expiresIn + updateAge <= now → refresh
      expect(await at(alice.cookie)).toBeUndefined();
      t = expiresAt + 1;
      expect(await at(alice.cookie)).toBeUndefined();
      // The same (cached) row answers again once the clock is back: nothing was poisoned.
      t = refreshAt - 60_000;
      expect(await at(alice.cookie)).toMatchObject({ id: alice.id });
      expect(await storedExpiry(alice.sessionToken)).toBe(expiresAt);
    });
  });

  // Buffer.from(sig, "base64") also accepts the base64url alphabet ("-", "_"); better-call's
  // atob() does not. The reader must refuse what better-auth refuses.
  it("a signature in the base64url alphabet is refused, as better-auth refuses it", async () => {
    // A session of alice's whose signature holds "+" or "/", so the base64url spelling differs.
    let token: string;
    let signed: string;
    do {
      token = randomBytes(24).toString("base64url");
      signed = sign(token, ctx.secret);
    } while (!/[+/]/.test(signed.slice(token.length + 1)));
    const now = Date.now();
    const date = (ms: number) => (dialect === "sqlite" ? new Date(ms).toISOString() : new Date(ms));
    await h.runtime.database.db
      .insertInto("session")
      .values({
        id: `s_${token}`,
        token,
        userId: alice.id,
        expiresAt: date(now + 7 * DAY_S * 1000),
        createdAt: date(now),
        updatedAt: date(now),
      })
      .execute();
    expect(await read(`${COOKIE}=${encodeURIComponent(signed)}`)).toMatchObject({ id: alice.id });

    const urlSafe = `${token}.${signed.slice(token.length + 1).replace(/\+/g, "-").replace(/\//g, "_")}`;
    const cookie = `${COOKIE}=${encodeURIComponent(urlSafe)}`;
    expect(await betterAuthUserId(cookie)).toBeUndefined();
    expect(await read(cookie)).toBeUndefined(); // fails: the reader answers alice
  });
});
