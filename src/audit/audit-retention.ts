/**
 * Audit retention (KEYHAVEN_AUDIT_RETENTION_DAYS): events older than the cutoff are deleted from
 * the start of the chain, a batch per transaction, and in that same transaction the pruner
 * records a checkpoint — the sequence number and hash of the last event deleted — and appends an
 * `audit.prune` event carrying the same pair. Verification starts after the newest checkpoint
 * and insists that the chain itself vouches for it (audit-store.ts verifyAuditChain), so
 * retention never looks like tampering, and deleting or editing anything else still does.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { Logger } from "../platform/logger.js";
import { appendAuditEvents } from "./audit-store.js";
import type { AuditEventInput } from "./audit-types.js";

const DAY_MS = 86_400_000;
export const PRUNE_BATCH = 5_000;
/** How often a running server prunes (and once at start). */
export const PRUNE_INTERVAL_MS = 3_600_000;

/** The actor of pruning: the server itself, on its retention setting. */
const RETENTION_ACTOR: AuditEventInput["actor"] = { type: "system", id: "retention", label: "audit retention" };

export interface PruneResult {
  /** Events deleted, over all batches. */
  pruned: number;
  /** The newest checkpoint written (the last event deleted), if any. */
  checkpoint: { seq: number; hash: string } | null;
}

/**
 * Deletes, from the oldest on, the events written before `before`, stopping at the first newer
 * one (a prefix of the chain, so what stays is unbroken). Safe to run on several instances at
 * once: each batch first takes the head row's lock, so a second pruner waits, then finds the
 * batch gone and does nothing.
 */
export async function pruneAuditLog(
  db: Kysely<Database>,
  opts: { before: Date; at: () => Date; retentionDays: number; batchSize?: number },
): Promise<PruneResult> {
  const batchSize = opts.batchSize ?? PRUNE_BATCH;
  const before = opts.before.toISOString();
  const result: PruneResult = { pruned: 0, checkpoint: null };
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      // The lock first (a no-op write of the head row): concurrent appenders and pruners queue here.
      await trx.updateTable("audit_head").set((eb) => ({ seq: eb.ref("seq") })).where("id", "=", 1).execute();
      const oldest = await trx.selectFrom("audit_events").select(["seq", "at", "hash"]).orderBy("seq").limit(batchSize).execute();
      // `at` is taken before an append waits for the lock, so it is not strictly ordered by seq: stop at the first newer event.
      const newer = oldest.findIndex((r) => r.at >= before);
      const doomed = newer === -1 ? oldest : oldest.slice(0, newer);
      if (doomed.length === 0) return null;
      const last = doomed[doomed.length - 1];
      const through = { seq: Number(last.seq), hash: last.hash };
      const at = opts.at().toISOString();
      await trx.deleteFrom("audit_events").where("seq", "<=", through.seq).execute();
      await trx.insertInto("audit_checkpoints").values({ seq: through.seq, hash: through.hash, pruned_at: at }).execute();
      await appendAuditEvents(
        trx,
        [
          {
            action: "audit.prune",
            actor: RETENTION_ACTOR,
            target: null,
            details: { count: doomed.length, throughSeq: through.seq, throughHash: through.hash, before, retentionDays: opts.retentionDays },
          },
        ],
        at,
      );
      return { count: doomed.length, through, full: oldest.length === batchSize && newer === -1 };
    });
    if (!batch) return result;
    result.pruned += batch.count;
    result.checkpoint = batch.through;
    if (!batch.full) return result;
  }
}

/**
 * Prunes now and then every `intervalMs`, on the server's clock; `stop()` waits for a run in
 * progress, so the database is never closed under it. A failed run is logged and retried at
 * the next tick: retention is housekeeping, never a reason for the server to stop.
 */
export function startAuditRetention(deps: {
  db: Kysely<Database>;
  retentionDays: number | null;
  now: () => Date;
  logger: Logger;
  intervalMs?: number;
}): { started: Promise<PruneResult | null>; stop(): Promise<void>; runNow(): Promise<PruneResult | null> } {
  const { db, retentionDays, now, logger } = deps;
  let running: Promise<PruneResult | null> = Promise.resolve(null);
  let stopped = false;

  const run = (): Promise<PruneResult | null> => {
    if (retentionDays === null || stopped) return Promise.resolve(null);
    running = running.then(async () => {
      if (stopped) return null;
      try {
        const result = await pruneAuditLog(db, { before: new Date(now().getTime() - retentionDays * DAY_MS), at: now, retentionDays });
        if (result.pruned > 0) logger.info({ pruned: result.pruned, throughSeq: result.checkpoint?.seq, retentionDays }, "audit log pruned");
        return result;
      } catch (err) {
        logger.warn({ err }, "audit log pruning failed; retrying at the next interval");
        return null;
      }
    });
    return running;
  };

  const timer = retentionDays === null ? undefined : setInterval(() => void run(), deps.intervalMs ?? PRUNE_INTERVAL_MS);
  timer?.unref();
  return {
    /** The run at start (not awaited by the server: start-up does not wait for housekeeping). */
    started: run(),
    runNow: run,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
