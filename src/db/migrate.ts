import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationResultSet } from "kysely";
import * as m0001 from "./migrations/0001_initial.js";
import * as m0002 from "./migrations/0002_auth.js";
import * as m0003 from "./migrations/0003_handout_index_id.js";
import * as m0004 from "./migrations/0004_access_tokens.js";
import * as m0005 from "./migrations/0005_usage_by_consumer.js";
import * as m0006 from "./migrations/0006_user_disabled.js";
import * as m0007 from "./migrations/0007_audit_log.js";
import * as m0008 from "./migrations/0008_key_versions_rotation.js";
import * as m0009 from "./migrations/0009_aws_key_retirements.js";
import * as m0010 from "./migrations/0010_teams.js";
import * as m0011 from "./migrations/0011_backup_runs.js";
import * as m0012 from "./migrations/0012_gateway.js";

/** Static list: works the same from src/ (tsx, vitest) and dist/ (node). Append, never edit. */
const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_auth": m0002,
  "0003_handout_index_id": m0003,
  "0004_access_tokens": m0004,
  "0005_usage_by_consumer": m0005,
  "0006_user_disabled": m0006,
  "0007_audit_log": m0007,
  "0008_key_versions_rotation": m0008,
  "0009_aws_key_retirements": m0009,
  "0010_teams": m0010,
  "0011_backup_runs": m0011,
  "0012_gateway": m0012,
};

/** The newest migration: the schema a backup is taken from and must be restored into. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  // On PostgreSQL the migrator must look for its own tables in *our* schema: unqualified, it
  // would find another schema's kysely_migration table in the same database and skip creating ours.
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, migrationTableSchema });
  let result: MigrationResultSet = await migrator.migrateToLatest();
  // Kysely looks for its own tables by introspecting every schema of the database; a schema, table
  // or column that someone else drops at that moment fails the lookup ("schema … does not exist"
  // naming theirs, or "column … of relation … does not exist"). No migration of ours ran then:
  // look again (on a loaded machine the scan of a busy database can collide many times in a row).
  for (let attempt = 1; attempt < 100 && isOthersObjectGone(result, migrationTableSchema); attempt++) {
    await new Promise((r) => setTimeout(r, 20 * Math.min(attempt, 5)));
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    // A migration may throw a non-Error (a string, most likely): String() shows it as well as anything.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

function isOthersObjectGone(result: MigrationResultSet, ours: string | undefined): boolean {
  const { error } = result;
  if (!(error instanceof Error)) return false;
  // A migration of ours that failed is a failure, whatever its message.
  if (result.results?.some((r) => r.status === "Error")) return false;
  const schema = /^schema "([^"]+)" does not exist$/.exec(error.message);
  if (schema) return schema[1] !== ours;
  return /^(column "[^"]+" of )?relation "[^"]+" does not exist$/.test(error.message);
}
