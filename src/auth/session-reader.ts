/**
 * The session check on every /api/api-keys request, without better-auth's per-call machinery
 * (endpoint context, adapter, two queries) that made it most of a request's cost.
 *
 * It answers only the common case, and only when better-auth would answer the same without
 * writing anything: a correctly signed session cookie (better-call's HMAC-SHA256, verified
 * in constant time) naming a stored session that has not expired and is not yet due for its
 * `updateAge` refresh, joined to its user. The session row is read on every request (on SQLite
 * reused only until the next commit by anyone), so a sign-out or a deleted session is seen at
 * once, exactly as before. Everything else — no
 * cookie, a bad signature, an unknown, expired or refresh-due session, a disabled account —
 * returns `undefined` and the caller asks better-auth, which decides (and refreshes or cleans
 * up) as it always did; for a disabled account it answers no session (auth/auth.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { parseCookies } from "better-call";
import { setBounded } from "../platform/bounded-map.js";
import type { NamedQueryRunner, SyncReader } from "../db/connect.js";
import { param, prepareQuery } from "../db/prepared-query.js";
import type { Database } from "../db/schema.js";

/** Who a session cookie stands for: what routes need on every request (admin rights are decided per admin request). */
export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

export interface SessionReaderOptions {
  /** better-auth's secret: the cookie's HMAC key (its UTF-8 bytes, as better-call uses it). */
  secret: string;
  /** better-auth's session cookie name (`[__Secure-]better-auth.session_token`). */
  cookieName: string;
  /** better-auth's sessionConfig, in seconds. */
  expiresIn: number;
  updateAge: number;
  now?: () => number;
}

interface SessionRow {
  expiresAt: string | Date;
  userId: string;
  email: string;
  name: string;
  disabledAt: string | null;
}

export type SessionReader = (cookieHeader: string | undefined) => Promise<SignedInUser | undefined>;

// better-call's signature: standard base64 of a 32-byte HMAC, 44 characters ending in "=".
// Checked strictly: Buffer would also decode the base64url alphabet, which better-call's atob refuses.
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/** The session token from a signed cookie value `token.signature`, or undefined if it does not verify. */
export function verifySignedCookie(value: string, secret: string): string | undefined {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return undefined;
  const signature = value.slice(dot + 1);
  if (!SIGNATURE.test(signature)) return undefined;
  const token = value.slice(0, dot);
  const expected = createHmac("sha256", secret).update(token).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
}

const VERIFIED_CACHE_SIZE = 10_000;
const SESSION_CACHE_SIZE = 10_000;

const toMillis = (v: string | Date): number => (v instanceof Date ? v.getTime() : Date.parse(v));

export function createSessionReader(
  db: Kysely<Database>,
  reader: SyncReader | undefined,
  opts: SessionReaderOptions,
  named?: NamedQueryRunner,
): SessionReader {
  const now = opts.now ?? Date.now;
  const lookup = prepareQuery<SessionRow, "token">(
    db,
    db
      .selectFrom("session as s")
      .innerJoin("user as u", "u.id", "s.userId")
      .select(["s.expiresAt", "u.id as userId", "u.email", "u.name", "u.disabledAt"])
      .where("s.token", "=", param("token")),
    // On SQLite a session row is re-read only after a commit (sign-out, refresh, any write).
    { reader, cacheSize: SESSION_CACHE_SIZE, named },
  );
  // better-auth refreshes a session once it is older than updateAge: leave that case to it.
  const refreshAfterMs = (opts.expiresIn - opts.updateAge) * 1000;
  // A signature that verified once verifies forever (the secret is fixed for the process), so
  // remember verified cookie values; a failed one is never stored, so junk cannot fill this.
  const verified = new Map<string, string>();
  const verify = (value: string): string | undefined => {
    const known = verified.get(value);
    if (known !== undefined) return known;
    const token = verifySignedCookie(value, opts.secret);
    if (token === undefined) return undefined;
    setBounded(verified, value, token, VERIFIED_CACHE_SIZE);
    return token;
  };

  return async (cookieHeader) => {
    if (!cookieHeader || !cookieHeader.includes(opts.cookieName)) return undefined;
    // The same parser better-call uses, so the same cookie is read (the first of a name wins).
    const value = parseCookies(cookieHeader).get(opts.cookieName);
    if (!value) return undefined;
    const token = verify(value);
    if (!token) return undefined;
    const row = await lookup.first({ token });
    // A disabled account's sessions are deleted with the disable; one that slipped in (a sign-in
    // racing it) still does not count.
    if (!row || row.disabledAt !== null) return undefined;
    const expiresAt = toMillis(row.expiresAt);
    const t = now();
    // Expired (better-auth deletes it) or due for refresh (better-auth extends it).
    if (!(expiresAt >= t) || expiresAt - refreshAfterMs <= t) return undefined;
    return { id: row.userId, email: row.email, name: row.name };
  };
}
