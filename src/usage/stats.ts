/**
 * `GET /api/api-keys/stats`: key counts and usage of one owner, in two aggregate queries.
 *
 * Every key is in exactly one of three states, so `active + inactive + expired === total`:
 * - active:   switched on (isActive) and not expired — the keys that can be handed out;
 * - inactive: switched off and not expired;
 * - expired:  past its expiresAt, whether switched on or off.
 * expiringSoon: active keys expiring within the next 7 days (a subset of active); the rule is
 *   src/shared/expiry.ts's isExpiringSoon, which the web app's list uses too.
 * totalUsage / byService.usageCount: the sum of the keys' usageCount (keys that still exist).
 * usageByDay: uses per UTC day from the daily rollup, which outlives deleted keys; 30 entries
 * ending today, oldest first, days without use present with 0.
 * byService lists only the services the owner has keys for.
 */
import { sql, type Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import { authorize } from "../access/policy.js";
import type { Database } from "../db/schema.js";
import type { KeyStats } from "../shared/api-schemas.js";
import { EXPIRING_SOON_DAYS, expiringSoonUntil } from "../shared/expiry.js";
import { STATS_DAYS } from "../shared/stats-days.js";
import { DAY_MS, utcDay } from "./utc-day.js";

export { EXPIRING_SOON_DAYS, STATS_DAYS };

/** The answer's shape comes from the zod schema the route and the client share. */
export type { KeyStats };
export type ServiceStats = KeyStats["byService"][string];


export async function getKeyStats(db: Kysely<Database>, owner: OwnerRef, now: Date = new Date()): Promise<KeyStats> {
  const nowIso = now.toISOString();
  const soonIso = new Date(expiringSoonUntil(now.getTime())).toISOString();
  // The same rule as the hand-out lookup: usable while expires_at is null or in the future.
  const unexpired = sql`(expires_at is null or expires_at > ${nowIso})`;
  const days = Array.from({ length: STATS_DAYS }, (_, i) => utcDay(now.getTime() - (STATS_DAYS - 1 - i) * DAY_MS));

  const [perService, perDay] = await Promise.all([
    db
      .selectFrom("api_keys")
      .where("owner_type", "=", owner.type)
      .where("owner_id", "=", owner.id)
      .select([
        "service",
        sql<string | number>`count(*)`.as("total"),
        sql<string | number>`sum(case when is_active = 1 and ${unexpired} then 1 else 0 end)`.as("active"),
        sql<string | number>`sum(case when is_active = 0 and ${unexpired} then 1 else 0 end)`.as("inactive"),
        sql<string | number>`sum(case when expires_at is not null and expires_at <= ${nowIso} then 1 else 0 end)`.as("expired"),
        // isExpiringSoon in SQL: switched on, now < expires_at <= now + 7 days.
        sql<string | number>`sum(case when is_active = 1 and expires_at > ${nowIso} and expires_at <= ${soonIso} then 1 else 0 end)`.as(
          "expiring_soon",
        ),
        // PostgreSQL's sum(bigint) is numeric, which pg returns as a string: Number() below.
        sql<string | number>`coalesce(sum(usage_count), 0)`.as("usage"),
      ])
      .groupBy("service")
      .orderBy("service")
      .execute(),
    db
      .selectFrom("usage_daily")
      .where("owner_type", "=", owner.type)
      .where("owner_id", "=", owner.id)
      .where("day", ">=", days[0])
      .where("day", "<=", days[days.length - 1])
      .select(["day", sql<string | number>`sum(count)`.as("count")])
      .groupBy("day")
      .execute(),
  ]);

  const stats: KeyStats = {
    total: 0,
    active: 0,
    inactive: 0,
    expired: 0,
    expiringSoon: 0,
    totalUsage: 0,
    byService: {},
    usageByDay: [],
  };
  for (const row of perService) {
    const s = { total: Number(row.total), active: Number(row.active), usageCount: Number(row.usage) };
    stats.byService[row.service] = s;
    stats.total += s.total;
    stats.active += s.active;
    stats.inactive += Number(row.inactive);
    stats.expired += Number(row.expired);
    stats.expiringSoon += Number(row.expiring_soon);
    stats.totalUsage += s.usageCount;
  }
  const countByDay = new Map(perDay.map((r) => [r.day, Number(r.count)]));
  stats.usageByDay = days.map((date) => ({ date, count: countByDay.get(date) ?? 0 }));
  return stats;
}

/** The owner's stats as one actor may see them: the same policy as listing the keys. */
export type StatsReader = (actor: Actor, owner: OwnerRef) => Promise<KeyStats>;

/** `check`: the key service's policy check (a team's stats need the actor's role in it). */
export function createStatsReader(
  db: Kysely<Database>,
  now: () => Date,
  check: (actor: Actor, action: "key.list", owner: OwnerRef) => Promise<void> = async (actor, action, owner) => authorize(actor, action, { owner }),
): StatsReader {
  return async (actor, owner) => {
    await check(actor, "key.list", owner);
    return getKeyStats(db, owner, now());
  };
}
