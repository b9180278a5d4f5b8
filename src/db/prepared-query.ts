/**
 * A query built and compiled once with Kysely, then run many times with new values.
 * Building and compiling a Kysely query costs more than running an indexed lookup, so hot
 * paths (the hand-out, the session check, the key list) compile theirs once. On SQLite,
 * outside a transaction, the rows are read synchronously on the read-only connection (WAL:
 * committed rows only, exactly what a query through Kysely would see).
 *
 * With `cacheSize` (SQLite reader only), answers are kept per set of values together with the
 * database's data version, and reused only while that version is unchanged: any commit by
 * anyone — this process or another one sharing the file — makes every entry stale. So a cached
 * answer is always the answer the query would give now; it just costs ~4 µs instead of a read.
 * Cached rows are shared between callers and frozen.
 */
import type { Compilable, Kysely } from "kysely";
import { setBounded } from "../platform/bounded-map.js";
import { createHash } from "node:crypto";
import type { NamedQueryRunner, SyncReader, SyncWriter } from "./connect.js";

const MARK = "\u0000param:";

/** A placeholder value for `name`: put it where the query takes a value, fill it in at run time. */
export const param = (name: string): string => MARK + name;

export interface PreparedQuery<R, K extends string> {
  readonly sql: string;
  all(values: Record<K, unknown>): Promise<R[]>;
  first(values: Record<K, unknown>): Promise<R | undefined>;
}

export interface PrepareOptions {
  /** SQLite's read-only connection: read synchronously (outside transactions). */
  reader?: SyncReader;
  /** Keep up to this many answers, checked against the data version (reader only). */
  cacheSize?: number;
  /** PostgreSQL's named prepared statements (outside transactions). */
  named?: NamedQueryRunner;
  /**
   * SQLite's read-write connection, for a write of one statement on a hot path: `first` runs it
   * synchronously whenever that connection is not inside a transaction, else through Kysely.
   */
  writer?: SyncWriter;
}

/** What running a compiled query needs of a Kysely or a transaction, whatever its schema. */
type QueryRunner = Pick<Kysely<unknown>, "isTransaction" | "executeQuery">;

export function prepareQuery<R, K extends string>(
  db: QueryRunner,
  query: Compilable<R>,
  opts: PrepareOptions = {},
): PreparedQuery<R, K> {
  const compiled = query.compile();
  // Position → placeholder name, found once; every other parameter is a constant of the query.
  const slots: Array<[number, K]> = [];
  compiled.parameters.forEach((p, i) => {
    if (typeof p === "string" && p.startsWith(MARK)) slots.push([i, p.slice(MARK.length) as K]);
  });
  const bind = (values: Record<K, unknown>): unknown[] => {
    const parameters = compiled.parameters.slice();
    for (const [i, name] of slots) {
      if (!(name in values)) throw new Error(`prepared query: no value for ${name}`);
      parameters[i] = values[name];
    }
    return parameters;
  };
  const sync = opts.reader && !db.isTransaction ? opts.reader : undefined;
  const named = opts.named && !db.isTransaction ? opts.named : undefined;
  const writer = opts.writer && !db.isTransaction ? opts.writer : undefined;
  // One name per SQL text: a name is bound to its text on each connection that prepares it.
  const statementName = named ? `kh_${createHash("sha256").update(compiled.sql).digest("hex").slice(0, 24)}` : "";
  const cache = sync && opts.cacheSize ? new Map<string, { version: number; rows: readonly R[] }>() : undefined;

  const readCached = (reader: SyncReader, parameters: unknown[]): R[] => {
    // JSON keeps null apart from "" and 1 apart from "1".
    const key = JSON.stringify(parameters);
    // Read the version before the rows: a commit in between leaves an entry that is already stale.
    const version = reader.dataVersion();
    const hit = cache!.get(key);
    if (hit && hit.version === version) return hit.rows as R[];
    const rows = Object.freeze(reader.all<R>(compiled.sql, parameters).map((r) => Object.freeze(r)));
    setBounded(cache!, key, { version, rows }, opts.cacheSize!);
    return rows as R[];
  };

  const run = async (values: Record<K, unknown>): Promise<R[]> => {
    const parameters = bind(values);
    if (sync) return cache ? readCached(sync, parameters) : sync.all<R>(compiled.sql, parameters);
    if (named) return named<R>(statementName, compiled.sql, parameters);
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  };
  return {
    sql: compiled.sql,
    all: run,
    async first(values) {
      if (sync && !cache) return sync.one<R>(compiled.sql, bind(values));
      if (writer?.free()) return writer.get<R>(compiled.sql, bind(values));
      return (await run(values))[0];
    },
  };
}
