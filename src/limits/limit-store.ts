/**
 * Limits and their counters in the database, so that every instance enforces the same ones.
 * A reservation is one statement: the window row is created, rolled over to a new window, or
 * grown by `amount` only while `used + reserved + amount <= max` — the database serialises
 * concurrent reservations on the row, so no two requests can both take the last of a budget.
 */
import { sql, type Kysely } from "kysely";
import type { Database, LimitAlertsTable } from "../db/schema.js";
import type { NamedQueryRunner, SyncReader, SyncWriter } from "../db/connect.js";
import { param, prepareQuery } from "../db/prepared-query.js";
import type { Limits } from "../shared/limits.js";

export interface WindowRow {
  key: string;
  window_start: number;
  used: number;
  reserved: number;
}

/** A row of `limit_alerts`, as the table declares it. */
export type AlertRow = LimitAlertsTable;

const num = (v: unknown): number => Number(v);

/**
 * Per gateway request: the limits read, a reservation and a settle. On SQLite the read goes to
 * the read-only connection and the two writes run synchronously on the read-write one
 * (`reader`, `writer`): through Kysely's driver, its promises and its connection mutex cost
 * about half again what SQLite spends on each. On PostgreSQL they are named statements.
 */
export function createLimitStore(db: Kysely<Database>, opts: { named?: NamedQueryRunner; reader?: SyncReader; writer?: SyncWriter } = {}) {
  const limitsOf = prepareQuery<{ subject: string; limits: string }, "a" | "b" | "c">(
    db,
    db.selectFrom("spend_limits").select(["subject", "limits"]).where("subject", "in", [param("a"), param("b"), param("c")]),
    { named: opts.named, reader: opts.reader },
  );

  // `excluded.*` is the row this statement tried to insert: the new window start and amount.
  const reserveQuery = prepareQuery<{ used: number }, "key" | "start" | "amount" | "max" | "until" | "now">(
    db,
    db
      .insertInto("limit_windows")
      .values({ key: param("key"), window_start: sql<number>`${param("start")}`, used: 0, reserved: sql<number>`${param("amount")}`, reserved_until: sql<number>`${param("until")}` })
      .onConflict((oc) =>
        oc
          .column("key")
          .doUpdateSet({
            used: sql<number>`case when limit_windows.window_start < excluded.window_start then 0 else limit_windows.used end`,
            // Past reserved_until every reservation has settled or timed out: what is left is stale (a killed server's).
            reserved: sql<number>`case when limit_windows.window_start < excluded.window_start or limit_windows.reserved_until < ${param("now")} then excluded.reserved else limit_windows.reserved + excluded.reserved end`,
            reserved_until: sql<number>`case when limit_windows.reserved_until > excluded.reserved_until then limit_windows.reserved_until else excluded.reserved_until end`,
            window_start: sql<number>`case when limit_windows.window_start < excluded.window_start then excluded.window_start else limit_windows.window_start end`,
          })
          .where(sql<boolean>`limit_windows.window_start < excluded.window_start
            or limit_windows.used + (case when limit_windows.reserved_until < ${param("now")} then 0 else limit_windows.reserved end) + excluded.reserved <= ${param("max")}`),
      )
      .returning(["used"]),
    { named: opts.named, writer: opts.writer },
  );

  const settleQuery = prepareQuery<{ used: number; window_start: number }, "key" | "start" | "reserved" | "actual">(
    db,
    db
      .updateTable("limit_windows")
      .set({
        // A request that outlived its window is charged to the window it ended in.
        used: sql<number>`used + ${param("actual")}`,
        reserved: sql<number>`case when window_start = ${param("start")} and reserved >= ${param("reserved")} then reserved - ${param("reserved")} else reserved end`,
      })
      .where("key", "=", param("key"))
      .returning(["used", "window_start"]),
    { named: opts.named, writer: opts.writer },
  );

  return {
    /** The limits set on up to three subjects, by subject. */
    async limitsFor(subjects: readonly string[]): Promise<Map<string, Limits>> {
      const [a = "", b = "", c = ""] = subjects;
      const rows = await limitsOf.all({ a, b, c });
      return new Map(rows.map((r) => [r.subject, JSON.parse(r.limits) as Limits]));
    },

    async listLimits(subjects: readonly string[]): Promise<Map<string, Limits>> {
      if (subjects.length === 0) return new Map();
      const rows = await db.selectFrom("spend_limits").select(["subject", "limits"]).where("subject", "in", subjects).execute();
      return new Map(rows.map((r) => [r.subject, JSON.parse(r.limits) as Limits]));
    },

    async listLimitsLike(prefix: string): Promise<Map<string, Limits>> {
      const rows = await db.selectFrom("spend_limits").select(["subject", "limits"]).where("subject", "like", `${prefix}%`).execute();
      return new Map(rows.map((r) => [r.subject, JSON.parse(r.limits) as Limits]));
    },

    /** Sets (or, with null, removes) a subject's limits. */
    async setLimits(subject: string, limits: Limits | null, nowIso: string): Promise<void> {
      if (!limits) {
        await db.deleteFrom("spend_limits").where("subject", "=", subject).execute();
        return;
      }
      const json = JSON.stringify(limits);
      await db
        .insertInto("spend_limits")
        .values({ subject, limits: json, updated_at: nowIso })
        .onConflict((oc) => oc.column("subject").doUpdateSet({ limits: json, updated_at: nowIso }))
        .execute();
    },

    /** Removes the limits and counters of subjects that are gone (a deleted key or token). */
    async forget(subject: string): Promise<void> {
      await db.deleteFrom("spend_limits").where("subject", "=", subject).execute();
      await db.deleteFrom("limit_windows").where("key", "like", `${subject}|%`).execute();
    },

    /**
     * Adds `amount` to the window starting at `start` if it fits under `max`; true when it did.
     * `until`: when this reservation is over at the latest.
     */
    async reserve(key: string, start: number, amount: number, max: number, until: number, now: number): Promise<boolean> {
      const row = await reserveQuery.first({ key, start, amount, max, until, now });
      return row !== undefined;
    },

    /**
     * Releases a reservation of `reserved` made in the window `start` and adds the `actual` use.
     * Returns the window's use after it (for alerts), or undefined if the row is gone.
     */
    async settle(key: string, start: number, reserved: number, actual: number): Promise<{ used: number; windowStart: number } | undefined> {
      const row = await settleQuery.first({ key, start, reserved, actual });
      return row ? { used: num(row.used), windowStart: num(row.window_start) } : undefined;
    },

    async windows(keys: readonly string[]): Promise<WindowRow[]> {
      if (keys.length === 0) return [];
      const rows = await db.selectFrom("limit_windows").select(["key", "window_start", "used", "reserved"]).where("key", "in", keys).execute();
      return rows.map((r) => ({ key: r.key, window_start: num(r.window_start), used: num(r.used), reserved: num(r.reserved) }));
    },

    /** Records an alert once per subject, window and threshold; true for the one instance that did. */
    async insertAlert(row: AlertRow): Promise<boolean> {
      const result = await db
        .insertInto("limit_alerts")
        .values(row)
        .onConflict((oc) => oc.columns(["subject", "window_start", "threshold"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async alertsFor(userId: string, teamIds: readonly string[], sinceIso: string, limit: number): Promise<AlertRow[]> {
      const rows = await db
        .selectFrom("limit_alerts")
        .selectAll()
        .where((eb) => eb.or([eb("user_id", "=", userId), ...(teamIds.length ? [eb("team_id", "in", teamIds)] : [])]))
        .where("at", ">=", sinceIso)
        .orderBy("at", "desc")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, window_start: num(r.window_start), threshold: num(r.threshold) }));
    },
  };
}

export type LimitStore = ReturnType<typeof createLimitStore>;
