/**
 * Opens the one database Keyhaven uses: SQLite in the data dir by default,
 * PostgreSQL when a URL is given. Connection problems become one-line StartupErrors.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { describeDatabaseUrl } from "../platform/config.js";
import { setBounded } from "../platform/bounded-map.js";
import { EXIT, StartupError } from "../platform/errors.js";
import { ensurePrivateFile, PRIVATE_DIR_MODE } from "../platform/private-files.js";
import { ImmediateSqliteDialect } from "./sqlite-write-transactions.js";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

/**
 * SQLite only: synchronous reads of committed rows, for hot paths — exactly what a query through
 * Kysely outside a transaction sees.
 */
export interface SyncReader {
  one<T>(sql: string, parameters: readonly unknown[]): T | undefined;
  all<T>(sql: string, parameters: readonly unknown[]): T[];
  /**
   * SQLite's `PRAGMA data_version` on this connection: it changes whenever any other
   * connection, in this process or another, commits. Equal values mean nothing changed.
   */
  dataVersion(): number;
}

/**
 * SQLite only: one statement at a time run synchronously on the read-write connection, for hot
 * writes that are a statement each (each commits on its own, atomically, as SQLite serialises
 * writers across processes). `free()` is false while that connection is inside a transaction
 * (Kysely's, which stays open across awaits): a statement run then would become part of it, so
 * callers must go through Kysely instead, which waits its turn.
 */
export interface SyncWriter {
  free(): boolean;
  /** Runs one statement; its first row (RETURNING), or undefined. */
  get<T>(sql: string, parameters: readonly unknown[]): T | undefined;
  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction (only when free()). */
  transaction<T>(fn: () => T): T;
}

/**
 * PostgreSQL only: run a query as a named prepared statement. The server parses and plans it
 * once per connection and reuses the plan (generic after a few runs), where an unnamed query
 * is planned on every call — for the hand-out, with its subquery, planning cost as much as
 * running. Outside transactions only (it takes any pooled connection).
 */
export type NamedQueryRunner = <T>(name: string, sql: string, parameters: readonly unknown[]) => Promise<T[]>;

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages: a file path or host:port/db. */
  location: string;
  /** SQLite only (see SyncReader). */
  reader?: SyncReader;
  /** SQLite only (see SyncWriter). */
  writer?: SyncWriter;
  /** PostgreSQL only (see NamedQueryRunner). */
  named?: NamedQueryRunner;
  /**
   * SQLite only: a further read-only connection of its own, for one long read transaction (a
   * backup's snapshot: WAL keeps what it saw while others write). The caller destroys it.
   */
  openReadOnly?(): Kysely<Database>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to use (tests run each suite in its own). */
  pgSchema?: string;
  poolSize?: number;
}

export const SQLITE_FILE_NAME = "keyhaven.db";

/**
 * Creates the data dir (and missing parents) owner-only. An existing directory keeps the mode
 * its operator gave it (a mount point may need more); the files Keyhaven puts in it are 0600.
 */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new StartupError(
      `data directory ${dir} cannot be written (${code}); set KEYHAVEN_DATA_DIR to a writable directory`,
      EXIT.DATA_DIR_NOT_WRITABLE,
    );
  }
}

const CANNOT_WRITE_CODES = new Set(["SQLITE_CANTOPEN", "EACCES", "EPERM", "EROFS"]);

function openSqlite(dataDir: string): DatabaseHandle {
  ensureWritableDir(dataDir);
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  let sqlite: SQLite.Database;
  try {
    // Before SQLite opens it: new -wal/-shm files copy the database file's mode.
    ensurePrivateFile(file, { create: true });
    for (const extra of ["-wal", "-shm"]) ensurePrivateFile(file + extra, { create: false });
    sqlite = new SQLite(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    // Another process (a second server, the CLI) may hold the write lock: wait for it rather
    // than fail. Transactions take the lock at BEGIN (sqlite-write-transactions.ts), so this wait
    // covers them too.
    sqlite.pragma("busy_timeout = 5000");
    sqlite.prepare("select count(*) from sqlite_master").get();
  } catch (err) {
    throw new StartupError(
      `cannot open SQLite database ${file}: ${(err as Error).message}`,
      CANNOT_WRITE_CODES.has((err as NodeJS.ErrnoException).code ?? "") ? EXIT.DATA_DIR_NOT_WRITABLE : EXIT.DATABASE_UNAVAILABLE,
    );
  }
  const main = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: main }) });
  const writer: SyncWriter = {
    free: () => !sqlite.inTransaction,
    get: <T>(sql: string, parameters: readonly unknown[]) => main.prepare(sql).get(parameters) as T | undefined,
    transaction: <T>(fn: () => T) => sqlite.transaction(fn).immediate(),
  };
  // Opened on first use, after migrations have created the tables.
  let readConn: ReturnType<typeof withStatementCache> | undefined;
  const statement = (sql: string): SQLite.Statement => {
    if (!readConn) {
      const conn = new SQLite(file, { readonly: true, fileMustExist: true });
      conn.pragma("busy_timeout = 5000");
      readConn = withStatementCache(conn);
    }
    return readConn.prepare(sql);
  };
  let dataVersion: SQLite.Statement | undefined;
  // Reads go to the read-write connection while it is outside a transaction: its page cache
  // survives its own commits, where every commit empties the read-only connection's (which then
  // re-reads pages from the file). Inside one (Kysely's, open across awaits) they would see its
  // uncommitted rows, so they go to the read-only connection.
  const readStatement = (sql: string): SQLite.Statement => (sqlite.inTransaction ? statement(sql) : main.prepare(sql));
  const reader: SyncReader = {
    one: <T>(sql: string, parameters: readonly unknown[]) => readStatement(sql).get(parameters) as T | undefined,
    all: <T>(sql: string, parameters: readonly unknown[]) => readStatement(sql).all(parameters) as T[],
    dataVersion: () => (dataVersion ??= statement("pragma data_version").pluck()).get() as number,
  };
  return {
    db,
    dialect: "sqlite",
    location: file,
    reader,
    writer,
    openReadOnly() {
      const conn = new SQLite(file, { readonly: true, fileMustExist: true });
      conn.pragma("busy_timeout = 5000");
      // A plain (deferred) BEGIN: a read-only transaction never asks for the write lock.
      return new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
    },
    close: async () => {
      readConn?.close();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; with better-sqlite3 that preparation costs more than the
 * hand-out's indexed lookup itself. Reuse prepared statements by SQL text (they re-prepare
 * themselves after schema changes; Kysely runs one query at a time on the connection).
 */
function withStatementCache(sqlite: SQLite.Database): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        setBounded(cache, sql, stmt, STATEMENT_CACHE_SIZE);
      }
      return stmt;
    },
  };
}

// BIGINT (oid 20) as a JS number: counters stay far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): ((value: string) => unknown) =>
    oid === 20 ? (v: string) => Number(v) : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

async function openPostgres(opts: OpenDatabaseOptions & { databaseUrl: string }): Promise<DatabaseHandle> {
  const where = describeDatabaseUrl(opts.databaseUrl);
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // Idle connections must not keep a short script (library use) alive.
    allowExitOnIdle: true,
    types: pgTypes,
    options: opts.pgSchema ? `-c search_path=${opts.pgSchema}` : undefined,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    const client = await pool.connect();
    try {
      if (opts.pgSchema) await client.query(`create schema if not exists "${opts.pgSchema.replace(/"/g, "")}"`);
      await client.query("select 1");
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    const e = err as NodeJS.ErrnoException;
    const reason = e.code && /^[A-Z]/.test(e.code) ? `${e.code}` : e.message.replace(/postgres(ql)?:\/\/[^\s]+/g, "[url]");
    throw new StartupError(`cannot connect to PostgreSQL at ${where}: ${reason}`, EXIT.DATABASE_UNAVAILABLE);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const named: NamedQueryRunner = async <T>(name: string, text: string, values: readonly unknown[]) =>
    (await pool.query({ name, text, values: values as unknown[] })).rows as T[];
  return { db, dialect: "postgres", location: where, named, close: () => db.destroy() };
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return opts.databaseUrl ? openPostgres({ ...opts, databaseUrl: opts.databaseUrl }) : openSqlite(opts.dataDir);
}
