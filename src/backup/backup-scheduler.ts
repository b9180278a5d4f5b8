/**
 * Scheduled backups by the running server (KEYHAVEN_BACKUP_DIR): every few minutes it looks
 * whether a backup is due (backup-schedule.ts) — so at start too, when the newest one is older
 * than the interval — claims the run in the database (backup-runs.ts: with several servers on
 * one database exactly one backs up), and writes `keyhaven-<time>.khbk` into the directory the
 * way `keyhaven backup` does: one consistent snapshot, sealed under the passphrase, into a
 * partial file renamed only when whole (platform/atomic-output.ts). Before the rename the file
 * is read back whole (backup-verify.ts) and the run recorded with its audit event, so the
 * directory only ever holds backups that decode. Then the oldest beyond KEEP are deleted.
 *
 * A failure is recorded and logged, and retried later: backups are housekeeping, never a
 * reason for the server to stop. `stop()` cancels a backup under way (its partial file goes)
 * and waits for it, so the database is never closed under it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { BACKUP_ACTOR } from "../access/actor.js";
import { auditEvent } from "../audit/audit-service.js";
import type { BackupEncryptorOptions } from "../crypto/backup-stream.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { DatabaseHandle } from "../db/connect.js";
import { writeFileAtomically } from "../platform/atomic-output.js";
import type { Logger } from "../platform/logger.js";
import { backupFileStream } from "./backup-file.js";
import { backupFileName, newestBackupAt, rotateBackups } from "./backup-dir.js";
import { createBackupRuns, type BackupRun, type BackupRuns } from "./backup-runs.js";
import { nextBackupDue, STALE_RUN_MS, type ScheduleState } from "./backup-schedule.js";
import { verifyBackupFile } from "./backup-verify.js";

const HOUR_MS = 3_600_000;
/** How often a server looks whether a backup is due (at most; shorter intervals look as often). */
const CHECK_MS = 5 * 60_000;

export interface BackupSchedule {
  dir: string;
  everyHours: number;
  keep: number;
}

export interface BackupSchedulerOptions {
  /** The interval (default: everyHours); tests shorten it. */
  intervalMs?: number;
  /** How often to look whether a backup is due (default: 5 minutes, or the interval when shorter). */
  checkMs?: number;
  /** When a run still "running" is taken as abandoned (default 2 hours). */
  staleMs?: number;
  /** Names this server in the history (default: host name and process id). */
  instance?: string;
  /** Cheaper key derivation, for tests only. */
  encryption?: BackupEncryptorOptions;
}

export interface BackupSchedulerDeps extends BackupSchedulerOptions {
  database: DatabaseHandle;
  keyring: MasterKeyring;
  schedule: BackupSchedule;
  passphrase: string;
  now: () => Date;
  logger: Logger;
}

/** What one look at the schedule did: nothing (not due, or another server claimed the run), or a run. */
export type BackupAttempt = { ran: false } | { ran: true; run: BackupRun };

/** The first line of an error, for the history and the log (the passphrase is never in one). */
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split("\n", 1)[0].slice(0, 500);

/** The schedule as the database and the directory tell it (shared with the admin status). */
export async function readScheduleState(runs: BackupRuns, dir: string, intervalMs: number, staleMs?: number): Promise<ScheduleState> {
  let newestFileAt: Date | undefined;
  try {
    newestFileAt = newestBackupAt(dir);
  } catch {
    // An unreadable directory: the run will fail on it and say why.
  }
  const [last, lastOk] = await Promise.all([runs.last(), runs.lastOk()]);
  return { last, lastOk, newestFileAt, intervalMs, staleMs };
}

export function createBackupScheduler(deps: BackupSchedulerDeps) {
  const { database, keyring, schedule, passphrase, now, logger } = deps;
  const runs = createBackupRuns(database.db);
  const intervalMs = deps.intervalMs ?? schedule.everyHours * HOUR_MS;
  const checkMs = deps.checkMs ?? Math.min(CHECK_MS, intervalMs);
  const staleMs = deps.staleMs ?? STALE_RUN_MS;
  const instance = deps.instance ?? `${os.hostname()}:${process.pid}`;

  let running: Promise<BackupAttempt> = Promise.resolve({ ran: false });
  let current: Readable | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function backUp(id: string, at: Date): Promise<BackupRun> {
    const file = backupFileName(at);
    const target = path.join(schedule.dir, file);
    let counts: Record<string, number> = {};
    let written = 0;
    let rows = 0;
    const started = Date.now();
    try {
      fs.mkdirSync(schedule.dir, { recursive: true, mode: 0o700 });
      const stream = backupFileStream(database, keyring, passphrase, { encryption: deps.encryption, onEnd: (c) => (counts = c) });
      current = stream;
      const { bytes } = await writeFileAtomically(target, stream, {
        replace: false,
        onBytes: (b) => (written = b),
        // Read back whole before the file takes its name, and recorded with its audit event.
        beforeRename: async (partial) => {
          rows = (await verifyBackupFile(partial, passphrase, counts)).rows;
          const event = auditEvent(BACKUP_ACTOR, "backup.export", {
            target: { type: "backup", id: file, label: file },
            details: { file, counts, rows, bytes: written, scheduled: true, verified: true },
          });
          await runs.succeed(id, { file, bytes: written, rows }, [event], now());
        },
      });
      let removed: string[] = [];
      try {
        removed = rotateBackups(schedule.dir, schedule.keep);
      } catch (err) {
        logger.warn({ err: { message: oneLine(err) }, dir: schedule.dir }, "old backups not deleted; retrying after the next backup");
      }
      logger.info({ file, dir: schedule.dir, bytes, rows, ms: Date.now() - started, removed: removed.length }, "scheduled backup written and verified");
      return { id, startedAt: at.toISOString(), finishedAt: now().toISOString(), status: "ok", file, bytes, rows, error: null, instance };
    } catch (err) {
      const error = stopped ? "the server stopped during the backup" : oneLine(err);
      await runs.fail(id, error, now()).catch((e: unknown) => logger.warn({ err: { message: oneLine(e) } }, "backup failure not recorded"));
      logger.error({ dir: schedule.dir, error }, "scheduled backup failed");
      return { id, startedAt: at.toISOString(), finishedAt: now().toISOString(), status: "failed", file: null, bytes: null, rows: null, error, instance };
    } finally {
      current = undefined;
    }
  }

  async function runIfDue(): Promise<BackupAttempt> {
    const at = now();
    const state = await readScheduleState(runs, schedule.dir, intervalMs, staleMs);
    const due = nextBackupDue(state);
    if (due && at < due) return { ran: false };
    const id = await runs.claim(state.last?.id, instance, at);
    if (!id) return { ran: false };
    if (state.last?.status === "running") await runs.abandon(state.last.id, `no result after ${Math.round(staleMs / 60_000)} minutes: its server stopped or lost the database`, at);
    return { ran: true, run: await backUp(id, at) };
  }

  const run = (): Promise<BackupAttempt> => {
    running = running.then(async () => {
      if (stopped) return { ran: false };
      try {
        return await runIfDue();
      } catch (err) {
        logger.error({ err: { message: oneLine(err) } }, "scheduled backup check failed; retrying at the next check");
        return { ran: false };
      }
    });
    return running;
  };

  return {
    intervalMs,
    staleMs,
    /** Looks at once (not awaited by the server: start-up does not wait for a backup), then every checkMs. */
    start(): Promise<BackupAttempt> {
      if (!timer && !stopped) {
        timer = setInterval(() => void run(), checkMs);
        timer.unref();
      }
      return run();
    },
    /** One look now (tests): backs up if due and claimed. */
    runNow: run,
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      current?.destroy(new Error("the server stopped during the backup"));
      await running;
    },
  };
}

export type BackupScheduler = ReturnType<typeof createBackupScheduler>;
