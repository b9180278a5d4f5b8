/**
 * Kysely's SQLite dialect, with transactions begun by `BEGIN IMMEDIATE` instead of a plain
 * (deferred) `BEGIN`, so that several processes can share one SQLite file.
 *
 * Why: a deferred transaction takes its read snapshot at its first SELECT and asks for the write
 * lock only at its first write. If another process committed in between, SQLite refuses that
 * upgrade at once (SQLITE_BUSY_SNAPSHOT, "database is locked") — busy_timeout cannot help, the
 * snapshot is stale for good. `BEGIN IMMEDIATE` takes the write lock first (waiting for it up to
 * busy_timeout), so the transaction reads the latest data and its writes cannot be refused.
 * Every transaction Keyhaven runs writes, so nothing is lost by taking the lock up front; within
 * one process transactions queue on Kysely's single connection anyway, and reads outside
 * transactions (the hand-out, lists) do not take it.
 */
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from "kysely";

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
