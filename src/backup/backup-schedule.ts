/**
 * When the next scheduled backup is due, and whether the last ones call for an admin's
 * attention: one reading of the run history and the directory, for the scheduler (should it
 * back up now?) and for the admin status (GET /api/admin/backups) alike.
 */
import type { BackupRun } from "./backup-runs.js";

const HOUR_MS = 3_600_000;
/** A run still "running" after this long lost its instance (a crash, a kill): another may take over. */
export const STALE_RUN_MS = 2 * HOUR_MS;

export interface ScheduleState {
  /** The chain's last run (backup-runs.ts last()). */
  last: BackupRun | undefined;
  /** The newest run that wrote a backup. */
  lastOk: BackupRun | undefined;
  /** The newest backup file in the directory (one an operator put there counts too). */
  newestFileAt: Date | undefined;
  intervalMs: number;
  staleMs?: number;
}

/** A failure is retried after an hour, or after one interval when that is shorter. */
export const retryMs = (intervalMs: number) => Math.min(intervalMs, HOUR_MS);

/**
 * When the next backup is due: an interval after the newest backup (its run's start or its
 * file's time), and after a failure not before the retry; while a run is under way, when its
 * claim goes stale.
 * Undefined when there is nothing yet: due at once.
 */
export function nextBackupDue(s: ScheduleState): Date | undefined {
  const { last } = s;
  const staleMs = s.staleMs ?? STALE_RUN_MS;
  if (last?.status === "running") return new Date(Date.parse(last.startedAt) + staleMs);
  const newest = Math.max(s.lastOk ? Date.parse(s.lastOk.startedAt) : -Infinity, s.newestFileAt?.getTime() ?? -Infinity);
  let due = Number.isFinite(newest) ? newest + s.intervalMs : undefined;
  // A failed run was due when it ran: the next try waits for the retry (or a newer backup's interval).
  if (last?.status === "failed") {
    const retry = Date.parse(last.startedAt) + retryMs(s.intervalMs);
    due = due === undefined ? retry : Math.max(due, retry);
  }
  return due === undefined ? undefined : new Date(due);
}

/** What an admin should know (null: all is well): a failed last run, a run that never finished, or backups overdue. */
export function backupAlert(s: ScheduleState, now: Date): string | null {
  const { last } = s;
  if (last?.status === "failed") return `The last scheduled backup (started ${last.startedAt}) failed: ${last.error ?? "no reason recorded"}`;
  const due = nextBackupDue(s);
  if (last?.status === "running") {
    return due && now >= due ? `The scheduled backup started ${last.startedAt} on ${last.instance} never finished` : null;
  }
  // Some slack past the due time: the check runs every few minutes and a backup takes a while.
  if (due && now.getTime() > due.getTime() + retryMs(s.intervalMs)) {
    const since = s.lastOk
      ? `the last one was taken ${s.lastOk.startedAt}`
      : s.newestFileAt
        ? `the newest file in the directory is from ${s.newestFileAt.toISOString()}`
        : "none has been taken";
    return `Scheduled backups are overdue: ${since}, the next was due ${due.toISOString()}`;
  }
  return null;
}
