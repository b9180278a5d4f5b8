/**
 * The scheduled backups' history (`backup_runs`): each run a row, from its claim to its outcome.
 * The runs form one chain: a run names the run it follows, and `follows` is unique, so when
 * several servers on one database find a backup due at once, exactly one inserts the next link
 * and backs up; the others' inserts fail and they do nothing.
 */
import { randomBytes } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { appendAuditEvents } from "../audit/audit-store.js";
import type { AuditEventInput } from "../audit/audit-types.js";
import type { BackupRunsTable, Database } from "../db/schema.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export type BackupRunStatus = "running" | "ok" | "failed";

export interface BackupRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: BackupRunStatus;
  file: string | null;
  bytes: number | null;
  rows: number | null;
  error: string | null;
  instance: string;
}

const ERROR_CHARS = 500;

const toRun = (r: Selectable<BackupRunsTable>): BackupRun => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status as BackupRunStatus,
  file: r.file,
  bytes: r.bytes === null ? null : Number(r.bytes),
  rows: r.rows === null ? null : Number(r.rows),
  error: r.error,
  instance: r.instance,
});

export function createBackupRuns(db: Kysely<Database>) {
  return {
    /** The chain's last run: the one no run follows (undefined: none yet). */
    async last(): Promise<BackupRun | undefined> {
      const row = await db
        .selectFrom("backup_runs as r")
        .selectAll("r")
        .where((eb) => eb.not(eb.exists(eb.selectFrom("backup_runs as n").select("n.id").whereRef("n.follows", "=", "r.id"))))
        .orderBy("r.started_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row && toRun(row);
    },

    /** The newest run that wrote a backup. */
    async lastOk(): Promise<BackupRun | undefined> {
      const row = await db.selectFrom("backup_runs").selectAll().where("status", "=", "ok").orderBy("started_at", "desc").limit(1).executeTakeFirst();
      return row && toRun(row);
    },

    /**
     * Claims the run after `follows` (undefined: the first): its id, or null when another
     * instance claimed it first.
     */
    async claim(follows: string | undefined, instance: string, at: Date): Promise<string | null> {
      const id = `bkr_${randomBytes(12).toString("base64url")}`;
      try {
        await db
          .insertInto("backup_runs")
          .values({ id, follows: follows ?? "", started_at: at.toISOString(), finished_at: null, status: "running", file: null, bytes: null, rows: null, error: null, instance })
          .execute();
        return id;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },

    /** The backup is written and verified: the run and its audit event commit together. */
    async succeed(id: string, result: { file: string; bytes: number; rows: number }, events: readonly AuditEventInput[], at: Date): Promise<void> {
      const iso = at.toISOString();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("backup_runs").set({ status: "ok", finished_at: iso, file: result.file, bytes: result.bytes, rows: result.rows, error: null }).where("id", "=", id).execute();
        await appendAuditEvents(trx, events, iso);
      });
    },

    /** No backup: why, in one line. */
    async fail(id: string, error: string, at: Date): Promise<void> {
      await db.updateTable("backup_runs").set({ status: "failed", finished_at: at.toISOString(), file: null, error: error.slice(0, ERROR_CHARS) }).where("id", "=", id).execute();
    },

    /** A run whose instance went away mid-way (its claim went stale): failed, unless it has finished meanwhile. */
    async abandon(id: string, error: string, at: Date): Promise<void> {
      await db
        .updateTable("backup_runs")
        .set({ status: "failed", finished_at: at.toISOString(), error: error.slice(0, ERROR_CHARS) })
        .where("id", "=", id)
        .where("status", "=", "running")
        .execute();
    },
  };
}

export type BackupRuns = ReturnType<typeof createBackupRuns>;
