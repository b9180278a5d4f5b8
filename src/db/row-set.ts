/**
 * A set of rows passed to one statement as ONE parameter set of fixed shape: a JSON array read
 * with json_each on SQLite, parallel arrays read with unnest on PostgreSQL. The SQL text never
 * changes with the number of rows, so it is prepared once and never meets a parameter limit.
 */
import { CompiledQuery, PostgresAdapter, type Kysely } from "kysely";
import type { Database } from "./schema.js";

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Rows as the dialect's statement takes them: one JSON text (SQLite), or one array per column (PostgreSQL). */
export function rowSetParameters(postgres: boolean, rows: readonly (readonly unknown[])[], columns: number): unknown[] {
  if (!postgres) return [JSON.stringify(rows)];
  return Array.from({ length: columns }, (_, c) => rows.map((r) => r[c]));
}

/** Runs one fixed statement over a row set (see above). */
export async function executeRowSet(
  db: Kysely<Database>,
  statements: { sqlite: string; postgres: string },
  rows: readonly (readonly unknown[])[],
  columns: number,
): Promise<void> {
  const postgres = isPostgres(db);
  await db.executeQuery(CompiledQuery.raw(postgres ? statements.postgres : statements.sqlite, rowSetParameters(postgres, rows, columns)));
}
