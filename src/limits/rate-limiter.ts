/**
 * Fixed-window rate limits kept in the database, so every instance behind a load balancer
 * shares them. One atomic upsert per check; no state in process memory.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { AppError } from "../platform/errors.js";

export interface RateLimitRule {
  /** Names the limit in keys and messages, e.g. "sign-in:ip". */
  scope: string;
  max: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/** Rows older than this are deleted now and then, so the table stays small. */
const PURGE_AFTER_MS = 24 * 60 * 60_000;
const PURGE_EVERY_HITS = 1000;

/**
 * What a limit counts against: IPv6 clients by their /64 (one host usually owns the whole
 * prefix), and every subject hashed so an email of any length is a fixed-size key.
 */
export function rateLimitSubject(subject: string): string {
  let s = subject.trim().toLowerCase();
  if (isIP(s) === 6 && !s.startsWith("::ffff:")) {
    const [head, tail = ""] = s.split("::");
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = s.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
    s = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":") + "::/64";
  }
  return createHash("sha256").update(s).digest("base64url").slice(0, 32);
}

export function createRateLimiter(db: Kysely<Database>, now: () => number = Date.now) {
  let hits = 0;
  async function hit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
    const t = now();
    const windowStart = t - (t % rule.windowMs);
    const key = `${rule.scope}:${rateLimitSubject(subject)}`;
    if (++hits % PURGE_EVERY_HITS === 0) {
      await db.deleteFrom("rate_limits").where("window_start", "<", t - PURGE_AFTER_MS).execute();
    }
    const row = await db
      .insertInto("rate_limits")
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          count: sql<number>`case when rate_limits.window_start < ${windowStart} then 1 else rate_limits.count + 1 end`,
          window_start: sql<number>`case when rate_limits.window_start < ${windowStart} then ${windowStart} else rate_limits.window_start end`,
        }),
      )
      .returning(["count", "window_start"])
      .executeTakeFirstOrThrow();
    const count = Number(row.count);
    const retryAfter = Math.max(1, Math.ceil((Number(row.window_start) + rule.windowMs - t) / 1000));
    return { allowed: count <= rule.max, remaining: Math.max(0, rule.max - count), retryAfter };
  }

  return {
    hit,
    /** Count one attempt against every rule; throw RATE_LIMITED (with Retry-After) if any is exceeded. */
    async enforce(checks: { rule: RateLimitRule; subject: string }[], message: string): Promise<void> {
      let worst: RateLimitResult | undefined;
      for (const { rule, subject } of checks) {
        const r = await hit(rule, subject);
        if (!r.allowed && (!worst || r.retryAfter > worst.retryAfter)) worst = r;
      }
      if (worst) throw new AppError("RATE_LIMITED", `${message}; try again in ${worst.retryAfter} s`, { retryAfter: worst.retryAfter });
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

const MINUTE = 60_000;
/** Key creates + updates + deletes per user per minute (README: rate limits). */
export const KEY_WRITES_PER_MINUTE = 120;
/** Keys files exported or imported per user per minute (README: rate limits). */
export const KEY_FILES_PER_MINUTE = 20;
/** The limits, documented in the README. */
export const RATE_LIMITS = {
  signInPerIp: { scope: "sign-in:ip", max: 30, windowMs: 5 * MINUTE },
  signInPerEmail: { scope: "sign-in:email", max: 10, windowMs: 5 * MINUTE },
  /** change-password (and delete-user): the signed-in account's password, as signInPerEmail. */
  passwordCheckPerUser: { scope: "password:user", max: 10, windowMs: 5 * MINUTE },
  signUpPerIp: { scope: "sign-up:ip", max: 20, windowMs: 60 * MINUTE },
  signUpPerEmail: { scope: "sign-up:email", max: 5, windowMs: 60 * MINUTE },
  authOtherPerIp: { scope: "auth:ip", max: 60, windowMs: 5 * MINUTE },
  keyTestPerUser: { scope: "key-test:user", max: 10, windowMs: MINUTE },
  /**
   * Creating, changing and deleting keys. Far above what a person clicks; a script importing
   * the whole per-owner limit (500 keys) gets through in about 4 minutes by honouring Retry-After.
   */
  keyWritePerUser: { scope: "key-write:user", max: KEY_WRITES_PER_MINUTE, windowMs: MINUTE },
  /** Exports and imports of a keys file: each derives the file key (about a second of CPU and 128 MiB). */
  keyFilePerUser: { scope: "key-file:user", max: KEY_FILES_PER_MINUTE, windowMs: MINUTE },
} satisfies Record<string, RateLimitRule>;
