/**
 * An admin's view of the scheduled backups (`GET /api/admin/backups`): the settings, the last
 * run from the shared history, when the next is due and what needs attention — read from the
 * database and the directory, so every server of an instance answers the same.
 */
import type { Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import { createBackupRuns, type BackupRun } from "../backup/backup-runs.js";
import { backupAlert, nextBackupDue } from "../backup/backup-schedule.js";
import { readScheduleState, type BackupSchedule } from "../backup/backup-scheduler.js";
import type { Database } from "../db/schema.js";
import type { BackupRunView, BackupStatus } from "../shared/api-schemas.js";
import type { Admins } from "./admins.js";

export function createBackupStatusService(deps: {
  db: Kysely<Database>;
  admins: Admins;
  /** null: scheduled backups are off. */
  schedule: BackupSchedule | null;
  /** The scheduler's (tests shorten them). */
  intervalMs: number;
  staleMs?: number;
  now: () => Date;
}) {
  const { db, admins, schedule, intervalMs, staleMs, now } = deps;
  const runs = createBackupRuns(db);
  return {
    async status(actor: Actor): Promise<BackupStatus> {
      authorize(actor, "admin.backups", { admins: await admins.ids() });
      if (!schedule) {
        const last = await runs.last();
        return { enabled: false, dir: null, everyHours: null, keep: null, last: last ? view(last) : null, nextDueAt: null, alert: null };
      }
      const state = await readScheduleState(runs, schedule.dir, intervalMs, staleMs);
      const at = now();
      return {
        enabled: true,
        dir: schedule.dir,
        everyHours: schedule.everyHours,
        keep: schedule.keep,
        last: state.last ? view(state.last) : null,
        nextDueAt: (nextBackupDue(state) ?? at).toISOString(),
        alert: backupAlert(state, at),
      };
    },
  };
}

const view = (r: BackupRun): BackupRunView => ({
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  status: r.status,
  file: r.file,
  bytes: r.bytes,
  rows: r.rows,
  error: r.error,
});

export type BackupStatusService = ReturnType<typeof createBackupStatusService>;
