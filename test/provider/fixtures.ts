/** Valid-looking keys per service, a movable clock, and readers of the stored usage. */
import type { Kysely } from "kysely";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Database } from "../../src/db/schema.js";
import { createApiKeyProvider, type ApiKeyProvider } from "../../src/provider/index.js";
import type { Runtime } from "../../src/app/compose.js";
import { body, randomString, rng, UPPER_DIGITS, AWS_SECRET_CHARS } from "../services/helpers.js";

let seed = 1000;
const next = () => ++seed;

export const keys = {
  openai: () => `sk-proj-${body(40, next())}`,
  anthropic: () => `sk-ant-api03-${body(40, next())}`,
  google: () => `AIza${body(35, next())}`,
  groq: () => `gsk_${body(40, next())}`,
  xai: () => `xai-${body(40, next())}`,
  custom: () => `ck_${body(30, next())}`,
  aws: (temporary = false) => {
    const r = rng(next());
    return {
      accessKeyId: `${temporary ? "ASIA" : "AKIA"}${randomString(r, UPPER_DIGITS, 16)}`,
      secretAccessKey: randomString(r, AWS_SECRET_CHARS, 40),
      ...(temporary ? { sessionToken: `FwoGZXIvYXdzE${body(60, next())}` } : {}),
    };
  },
};

export const userOwner = (id: string): OwnerRef => ({ type: "user", id });

let users = 0;
export const newUserId = () => `user_${process.pid}_${++users}_${Math.random().toString(36).slice(2, 8)}`;

/** A clock tests move by hand: keys expire without sleeping. */
export function manualClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    set: (iso: string) => void (t = Date.parse(iso)),
    advance: (ms: number) => void (t += ms),
    iso: () => new Date(t).toISOString(),
  };
}

export const providerOf = (rt: Runtime): ApiKeyProvider =>
  createApiKeyProvider({ keys: rt.keys, usage: rt.usage, config: rt.config });

export async function storedUsage(db: Kysely<Database>, keyId: string) {
  const row = await db.selectFrom("api_keys").select(["usage_count", "last_used_at"]).where("id", "=", keyId).executeTakeFirst();
  const days = await db
    .selectFrom("usage_daily")
    .select(["day", "count", "owner_type", "owner_id", "service"])
    .where("key_id", "=", keyId)
    .orderBy("day")
    .execute();
  return {
    usageCount: row ? Number(row.usage_count) : undefined,
    lastUsedAt: row?.last_used_at ?? null,
    days: days.map((d) => ({ ...d, count: Number(d.count) })),
    dailyTotal: days.reduce((sum, d) => sum + Number(d.count), 0),
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
