/**
 * Writes one batch of buffered hand-out counts: the api_keys counters, the usage_daily rows and
 * the usage_by_consumer rows of hand-outs through a token, in one transaction (they move together or not at all), in two statements per chunk whatever
 * the number of keys. Each statement takes the whole chunk as ONE parameter set of fixed shape —
 * a JSON array read with json_each on SQLite, parallel arrays read with unnest on PostgreSQL —
 * so its SQL text never changes: prepared once, no per-key statement, no parameter limit, and
 * nothing rebuilt through Kysely's query builder per flush (with 100,000 owners, every hand-out
 * can be a distinct key, and on SQLite the flush runs on the main thread).
 */
import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { isPostgres, rowSetParameters as parameters } from "../db/row-set.js";
import { appendAuditEvents } from "../audit/audit-store.js";
import type { AuditEventInput } from "../audit/audit-types.js";

/** One key's buffered uses. */
export interface KeyUseCounts {
  ownerType: string;
  ownerId: string;
  service: string;
  count: number;
  lastUsedMs: number;
  /** YYYY-MM-DD (UTC) → uses that day. */
  byDay: Map<string, number>;
  /** Uses through an access token: consumer (`token:<id>`) → day → uses. Absent when none. */
  byConsumer?: Map<string, Map<string, number>>;
}

/** Keys per statement: bounds one statement's parameter text (~100 bytes a key), not its count. */
export const USAGE_WRITE_CHUNK = 5_000;

// ISO-8601 UTC text sorts like time: keep the later of stored and buffered last use.
const SQLITE_COUNTERS =
  "update api_keys set usage_count = usage_count + u.n, " +
  "last_used_at = case when last_used_at is null or last_used_at < u.last then u.last else last_used_at end " +
  "from (select json_extract(value, '$[0]') as id, json_extract(value, '$[1]') as n, json_extract(value, '$[2]') as last from json_each(?)) as u " +
  "where api_keys.id = u.id";
// `where true`: SQLite needs it to parse ON CONFLICT after INSERT … SELECT.
const SQLITE_DAILY =
  "insert into usage_daily (key_id, owner_type, owner_id, service, day, count) " +
  "select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), " +
  "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') from json_each(?) where true " +
  "on conflict (key_id, day) do update set count = usage_daily.count + excluded.count";

const PG_COUNTERS =
  "update api_keys as k set usage_count = k.usage_count + u.n, " +
  "last_used_at = case when k.last_used_at is null or k.last_used_at < u.last then u.last else k.last_used_at end " +
  "from unnest($1::text[], $2::bigint[], $3::text[]) as u(id, n, last) where k.id = u.id";
const PG_DAILY =
  "insert into usage_daily (key_id, owner_type, owner_id, service, day, count) " +
  "select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) " +
  "on conflict (key_id, day) do update set count = usage_daily.count + excluded.count";

const SQLITE_CONSUMERS =
  "insert into usage_by_consumer (key_id, consumer, day, count) " +
  "select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') " +
  "from json_each(?) where true " +
  "on conflict (key_id, consumer, day) do update set count = usage_by_consumer.count + excluded.count";
const PG_CONSUMERS =
  "insert into usage_by_consumer (key_id, consumer, day, count) " +
  "select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) " +
  "on conflict (key_id, consumer, day) do update set count = usage_by_consumer.count + excluded.count";

type Row = [keyId: string, ownerType: string, ownerId: string, service: string, day: string, count: number];

export async function writeUsageBatch(
  db: Kysely<Database>,
  batch: ReadonlyMap<string, KeyUseCounts>,
  /** `audit`: the hand-outs' `key.use` events, appended in the same transaction at `at`. */
  opts: { chunk?: number; audit?: readonly AuditEventInput[]; at?: string } = {},
): Promise<void> {
  if (batch.size === 0) return;
  const chunk = opts.chunk ?? USAGE_WRITE_CHUNK;
  const postgres = isPostgres(db);
  // Sorted so two instances flushing the same keys tend to lock rows in the same order; a
  // deadlock PostgreSQL still detects fails the flush, which keeps its counts for the next one.
  const entries = [...batch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const run = (trx: Transaction<Database>, text: string, params: unknown[]) => trx.executeQuery(CompiledQuery.raw(text, params));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < entries.length; i += chunk) {
      const part = entries.slice(i, i + chunk);
      const counters = part.map(([id, u]) => [id, u.count, new Date(u.lastUsedMs).toISOString()]);
      await run(trx, postgres ? PG_COUNTERS : SQLITE_COUNTERS, parameters(postgres, counters, 3));
      const daily: Row[] = part.flatMap(([id, u]) => [...u.byDay].map(([day, n]): Row => [id, u.ownerType, u.ownerId, u.service, day, n]));
      await run(trx, postgres ? PG_DAILY : SQLITE_DAILY, parameters(postgres, daily, 6));
      // Only hand-outs through a token have a consumer row: the library's path writes nothing more.
      const consumers = part.flatMap(([id, u]) =>
        [...(u.byConsumer ?? [])].flatMap(([consumer, days]) => [...days].map(([day, n]) => [id, consumer, day, n])),
      );
      if (consumers.length > 0) await run(trx, postgres ? PG_CONSUMERS : SQLITE_CONSUMERS, parameters(postgres, consumers, 4));
    }
    if (opts.audit?.length) await appendAuditEvents(trx, opts.audit, opts.at ?? new Date().toISOString());
  });
}
