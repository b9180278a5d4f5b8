/** Valid-looking keys per service, a movable clock, readers of the stored usage, and teams. */
import type { Kysely } from "kysely";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Database } from "../../src/db/schema.js";
import { createApiKeyProvider, type ApiKeyProvider } from "../../src/provider/index.js";
import type { Runtime } from "../../src/app/compose.js";
import { userActor } from "../../src/access/actor.js";
import type { CreateKeyInput, UpdateKeyInput } from "../../src/keys/key-service.js";
import type { TestDialect } from "../support/databases.js";
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

/**
 * Teams on real storage for the resolution tests: people (better-auth's `user` rows), teams and
 * memberships, written as better-auth's organization plugin writes them — directly, so that a
 * membership's time is the test clock's (which team is a person's oldest depends on it) and no
 * sign-up or session is needed. Team keys are made and preferences set through our services.
 */
export function teamsOn(rt: Runtime, dialect: TestDialect, clock: { iso(): string }) {
  const db = rt.database.db;
  // PostgreSQL's columns are boolean and timestamptz; SQLite's integer and ISO text.
  const at = () => (dialect === "postgres" ? new Date(clock.iso()) : clock.iso());
  let teams = 0;

  async function person(): Promise<string> {
    const id = newUserId();
    await db
      .insertInto("user")
      .values({ id, name: id, email: `${id}@example.com`, emailVerified: dialect === "postgres" ? false : 0, image: null, createdAt: at(), updatedAt: at(), disabledAt: null })
      .execute();
    return id;
  }

  /** Makes `userId` a member of the team as `role`, joined now (the clock's now). */
  async function join(teamId: string, userId: string, role: "owner" | "admin" | "member" = "member"): Promise<void> {
    await db.insertInto("member").values({ id: `mem_${newUserId()}`, organizationId: teamId, userId, role, createdAt: at() }).execute();
  }

  return {
    person,
    join,
    /** A team with an owner of its own (who makes its keys). */
    async team(): Promise<{ id: string; owner: string }> {
      const id = `team_${process.pid}_${++teams}_${Math.random().toString(36).slice(2, 8)}`;
      await db.insertInto("organization").values({ id, name: id, slug: id.toLowerCase(), logo: null, createdAt: at(), metadata: null }).execute();
      const owner = await person();
      await join(id, owner, "owner");
      return { id, owner };
    },
    /** Removes the membership, as removing a member (or leaving) does. */
    async leave(teamId: string, userId: string): Promise<void> {
      await db.deleteFrom("member").where("organizationId", "=", teamId).where("userId", "=", userId).execute();
    },
    /** A key of the team, made by its owner. */
    key(team: { id: string; owner: string }, input: CreateKeyInput) {
      return rt.keys.create(userActor(team.owner), { type: "team", id: team.id }, input);
    },
    /** Changes a key of the team, as its owner. */
    update(team: { id: string; owner: string }, keyId: string, input: UpdateKeyInput) {
      return rt.keys.update(userActor(team.owner), { type: "team", id: team.id }, keyId, input);
    },
    /** The team whose keys `userId`'s hand-outs take first (null: the oldest membership's). */
    prefer: (userId: string, teamId: string | null) => rt.teams.setPreferred(userActor(userId), teamId),
  };
}
