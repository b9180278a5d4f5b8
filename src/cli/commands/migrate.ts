/** `keyhaven migrate`: apply the database migrations and exit (needs no master key). */
import { loadConfig } from "../../platform/config.js";
import { openDatabase } from "../../db/connect.js";
import { migrateToLatest } from "../../db/migrate.js";

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}\n` : `database is up to date (${database.dialect})\n`,
    );
  } finally {
    await database.close();
  }
}
