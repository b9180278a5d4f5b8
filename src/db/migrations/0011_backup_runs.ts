import type { Kysely } from "kysely";

/**
 * Scheduled backups written by the server (backup/backup-runs.ts): one row per run, its outcome
 * and file. `follows` is the run it comes after ("" for the first): unique, so of several
 * instances that find a backup due at once, exactly one inserts the next run — the claim.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("backup_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("follows", "text", (c) => c.notNull().unique())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("file", "text")
    .addColumn("bytes", "bigint")
    .addColumn("rows", "integer")
    .addColumn("error", "text")
    .addColumn("instance", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("backup_runs_started_idx").on("backup_runs").column("started_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("backup_runs").ifExists().execute();
}
