/**
 * Counts key hand-outs in memory and writes them in one transaction per interval, on
 * `flush()` and on `close()` (usage-write.ts: a few statements whatever the number of keys;
 * platform/write-batcher.ts: when and how batches are written, kept and retried).
 * Counting is a few Map operations: no I/O on the hot path.
 *
 * What can be lost: a hard crash (kill -9, power loss) loses the uses counted since the last
 * flush, at most one interval (`KEYHAVEN_USAGE_FLUSH_MS`, 1 s by default). A failed flush
 * loses nothing: its counts go back into the buffer and are written by the next attempt.
 */
import type { Kysely } from "kysely";
import type { OwnerRef } from "../access/owner.js";
import type { Database } from "../db/schema.js";
import type { Logger } from "../platform/logger.js";
import { DAY_MS, utcDay } from "./utc-day.js";
import { writeUsageBatch, type KeyUseCounts } from "./usage-write.js";
import { createWriteBatcher } from "../platform/write-batcher.js";
import type { AuditEventInput } from "../audit/audit-types.js";

export interface KeyUse {
  keyId: string;
  owner: OwnerRef;
  service: string;
  /** Who asked, when it was an access token (`token:<id>`): counted per consumer too. */
  consumer?: string;
  /** A team key's hand-out: the member it was handed out for, counted per member (`user:<id>`) too. */
  member?: string;
  /** Who handed it out, as the audit log names them: one `key.use` event per key, actor and minute. */
  actor?: AuditEventInput["actor"];
}

export interface UsageRecorder {
  /** Count one hand-out of a stored key. Synchronous, never throws, never waits. */
  record(use: KeyUse): void;
  /** Write everything counted so far. Rejects when the write fails (the counts are kept). */
  flush(): Promise<void>;
  /** Stop the timer and flush. Idempotent; uses recorded afterwards are ignored. */
  close(): Promise<void>;
  /** Uses counted but not yet written. */
  pendingUses(): number;
}

export interface UsageRecorderDeps {
  db: Kysely<Database>;
  logger: Pick<Logger, "error" | "warn">;
  /** Flush period; the timer is unref()ed so it never keeps a process alive. 0 disables it. */
  intervalMs: number;
  now?: () => Date;
}

/** Hand-outs of one key by one actor in one minute: one `key.use` audit event. */
interface UseEvent {
  keyId: string;
  owner: OwnerRef;
  actor: AuditEventInput["actor"];
  minuteMs: number;
  count: number;
}

/** Per key its counts; per key, actor and minute its audit event; how many uses in all (for pendingUses()). */
interface UseBuffer {
  keys: Map<string, KeyUseCounts>;
  events: Map<string, UseEvent>;
  uses: number;
}

const MINUTE_MS = 60_000;

/** How a member's hand-outs of a team key are kept in usage_by_consumer (beside `token:<id>`). */
export const memberConsumer = (userId: string) => `user:${userId}`;

/** The `key.use` events of a batch, written in the flush's transaction. */
function useEvents(events: Iterable<UseEvent>): AuditEventInput[] {
  return [...events].map((e) => ({
    action: "key.use",
    actor: e.actor,
    target: { type: "key", id: e.keyId },
    userId: e.owner.type === "user" ? e.owner.id : null,
    teamId: e.owner.type === "team" ? e.owner.id : null,
    details: { count: e.count, minute: new Date(e.minuteMs).toISOString().slice(0, 16) + "Z" },
  }));
}

function addTo(map: Map<string, number>, day: string, n: number): void {
  map.set(day, (map.get(day) ?? 0) + n);
}

function consumerDays(use: KeyUseCounts, consumer: string): Map<string, number> {
  const byConsumer = (use.byConsumer ??= new Map<string, Map<string, number>>());
  let days = byConsumer.get(consumer);
  if (!days) byConsumer.set(consumer, (days = new Map<string, number>()));
  return days;
}

/** Adds `from` into `into` (used to give a failed batch back to the buffer). */
function mergeInto(into: UseBuffer, from: UseBuffer): void {
  into.uses += from.uses;
  for (const [k, e] of from.events) {
    const current = into.events.get(k);
    if (current) current.count += e.count;
    else into.events.set(k, e);
  }
  for (const [keyId, use] of from.keys) {
    const current = into.keys.get(keyId);
    if (!current) {
      into.keys.set(keyId, use);
      continue;
    }
    current.count += use.count;
    current.lastUsedMs = Math.max(current.lastUsedMs, use.lastUsedMs);
    for (const [day, n] of use.byDay) addTo(current.byDay, day, n);
    for (const [consumer, days] of use.byConsumer ?? []) {
      for (const [day, n] of days) addTo(consumerDays(current, consumer), day, n);
    }
  }
}

export function createUsageRecorder(deps: UsageRecorderDeps): UsageRecorder {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const batches = createWriteBatcher<UseBuffer>({
    empty: () => ({ keys: new Map(), events: new Map(), uses: 0 }),
    isEmpty: (b) => b.keys.size === 0,
    restore: mergeInto,
    write: (b) => writeUsageBatch(db, b.keys, { audit: useEvents(b.events.values()), at: now().toISOString() }),
    onError(err, buffer) {
      const e = err as { code?: unknown; message?: unknown };
      // Key ids, counts and days only: usage rows never hold a secret.
      logger.error(
        { err: { code: e.code, message: String(e.message ?? err) }, pendingUses: buffer.uses, keys: buffer.keys.size },
        "usage flush failed; the counts are kept for the next attempt",
      );
    },
    intervalMs: deps.intervalMs,
  });

  // The UTC day of the last hand-out, so most calls skip formatting a date.
  let dayStart = 0;
  let dayEnd = -1;
  let dayText = "";
  function dayOf(ms: number): string {
    if (ms < dayStart || ms >= dayEnd) {
      dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      dayEnd = dayStart + DAY_MS;
      dayText = utcDay(dayStart);
    }
    return dayText;
  }

  return {
    record({ keyId, owner, service, consumer, member, actor }: KeyUse): void {
      if (batches.closed) return;
      const ms = now().getTime();
      const day = dayOf(ms);
      const buffer = batches.buffer();
      let use = buffer.keys.get(keyId);
      if (!use) {
        use = { ownerType: owner.type, ownerId: owner.id, service, count: 0, lastUsedMs: ms, byDay: new Map() };
        buffer.keys.set(keyId, use);
      }
      use.count++;
      if (ms > use.lastUsedMs) use.lastUsedMs = ms;
      addTo(use.byDay, day, 1);
      if (consumer !== undefined) addTo(consumerDays(use, consumer), day, 1);
      if (member !== undefined) addTo(consumerDays(use, memberConsumer(member)), day, 1);
      if (actor !== undefined) {
        const minuteMs = ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
        const k = `${keyId}\u0000${actor.type}:${actor.id}\u0000${minuteMs}`;
        const e = buffer.events.get(k);
        if (e) e.count++;
        else buffer.events.set(k, { keyId, owner, actor, minuteMs, count: 1 });
      }
      buffer.uses++;
    },

    flush: () => batches.flush(),

    async close(): Promise<void> {
      try {
        await batches.close();
      } catch (err) {
        logger.error({ pendingUses: batches.buffer().uses }, "usage counts could not be written at shutdown and are lost");
        throw err;
      }
    },

    pendingUses: () => batches.buffer().uses,
  };
}
