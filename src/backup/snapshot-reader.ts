/**
 * Reads a whole instance as backup records (snapshot-records.ts), table by table in pages, from
 * one consistent moment while servers keep writing: on PostgreSQL one REPEATABLE READ READ ONLY
 * transaction on one connection; on SQLite a read transaction on a read-only connection of its
 * own (WAL keeps the snapshot for the transaction's life). Memory stays flat: one page at a time.
 *
 * Data keys leave unwrapped (the backup file is encrypted as a whole under its passphrase; a
 * restore wraps them under the target's master key). Secrets stay the ciphertexts they are: bound
 * to their key id, owner, service, version and config, they open on the target as they are.
 * Sessions are not backed up: a restore signs everyone out.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { OwnerRef } from "../access/owner.js";
import { unwrapDataKey } from "../crypto/data-key.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { DatabaseHandle, DialectName } from "../db/connect.js";
import { LATEST_MIGRATION } from "../db/migrate.js";
import { AppError } from "../platform/errors.js";
import { SNAPSHOT_FORMAT, toPortable, type BackupProgress, type BackupRecord, type PortableValue } from "./snapshot-records.js";
import { BACKUP_TABLES, type AnyTables, type BackupTable } from "./snapshot-tables.js";

export interface ReadSnapshotOptions {
  /** Rows per query (default 1,000). */
  pageSize?: number;
  /** Called after every page. */
  onProgress?: (p: BackupProgress) => void;
}

const PAGE = 1_000;
const SCAN = "__scan";

type AnyDb = Transaction<AnyTables>;

interface Snapshot {
  db: AnyDb;
  end(): Promise<void>;
}

async function beginSnapshot(handle: DatabaseHandle): Promise<Snapshot> {
  if (handle.dialect === "postgres") {
    const trx = await handle.db.startTransaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute();
    return { db: trx as unknown as AnyDb, end: () => trx.rollback().execute() };
  }
  if (!handle.openReadOnly) throw new Error("this SQLite handle cannot open a read-only connection");
  const conn = handle.openReadOnly() as unknown as Kysely<AnyTables>;
  try {
    const trx = await conn.startTransaction().execute();
    return {
      db: trx,
      end: async () => {
        await trx.rollback().execute().catch(() => {});
        await conn.destroy();
      },
    };
  } catch (err) {
    await conn.destroy();
    throw err;
  }
}

/** The columns a page selects: the stored ones (the wrapped key in place of `key`) and the scan position. */
function selection(table: BackupTable, dialect: DialectName) {
  const stored = Object.keys(table.columns).map((c) => (table.columns[c] === "dataKey" ? "wrapped_key" : c));
  const refs = stored.map((c) => sql.ref(`${table.name}.${c}`));
  return dialect === "sqlite" ? [...refs, sql`${sql.ref(table.name)}.rowid`.as(SCAN)] : refs;
}

/**
 * Keyset pagination: by rowid on SQLite (rows in file order, see keys/secret-verification.ts
 * scanKey), by the primary key on PostgreSQL.
 */
async function* pages(db: AnyDb, dialect: DialectName, table: BackupTable, size: number): AsyncGenerator<Record<string, unknown>[]> {
  let after: unknown[] | undefined;
  for (;;) {
    let q = db.selectFrom(table.name).select(selection(table, dialect) as never[]);
    if (dialect === "sqlite") {
      q = q.where(sql`${sql.ref(table.name)}.rowid`, ">", after?.[0] ?? 0).orderBy(sql`${sql.ref(table.name)}.rowid`);
    } else {
      const keys = table.key.map((k) => sql.ref(`${table.name}.${k}`));
      if (after) q = q.where(sql<boolean>`(${sql.join(keys)}) > (${sql.join(after)})`);
      for (const k of keys) q = q.orderBy(k);
    }
    const page = (await q.limit(size).execute()) as Record<string, unknown>[];
    if (page.length === 0) return;
    yield page;
    const last = page[page.length - 1];
    after = dialect === "sqlite" ? [last[SCAN]] : table.key.map((k) => last[k]);
    if (page.length < size) return;
  }
}

function portableRow(table: BackupTable, raw: Record<string, unknown>, keyring: MasterKeyring): Record<string, PortableValue> {
  const row: Record<string, PortableValue> = {};
  for (const [column, kind] of Object.entries(table.columns)) {
    if (kind === "dataKey") {
      const owner: OwnerRef = { type: raw.owner_type as OwnerRef["type"], id: raw.owner_id as string };
      try {
        row[column] = unwrapDataKey(keyring, owner, raw.wrapped_key as string).toString("base64");
      } catch {
        throw new AppError("INTERNAL", `data key ${String(raw.id)} does not unwrap with the configured master keys; nothing can back it up`);
      }
    } else {
      row[column] = toPortable(kind, raw[column], `${table.name}.${column}`);
    }
  }
  return row;
}

export async function* readSnapshot(handle: DatabaseHandle, keyring: MasterKeyring, opts: ReadSnapshotOptions = {}): AsyncGenerator<BackupRecord> {
  const size = opts.pageSize ?? PAGE;
  const snapshot = await beginSnapshot(handle);
  try {
    const { db } = snapshot;
    // The first read fixes the snapshot: these counts and every page below see the same moment.
    const counts: Record<string, number> = {};
    for (const table of BACKUP_TABLES) {
      const { n } = await db.selectFrom(table.name).select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow();
      counts[table.name] = Number(n);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    yield { kind: "snapshot", format: SNAPSHOT_FORMAT, schema: LATEST_MIGRATION, sourceDialect: handle.dialect, takenAt: new Date().toISOString(), totalRows: total };

    let rows = 0;
    for (const table of BACKUP_TABLES) {
      yield { kind: "table", name: table.name, columns: Object.keys(table.columns) };
      let n = 0;
      for await (const page of pages(db, handle.dialect, table, size)) {
        for (const raw of page) yield { kind: "row", table: table.name, row: portableRow(table, raw, keyring) };
        n += page.length;
        rows += page.length;
        opts.onProgress?.({ rows, total });
      }
      // Within one snapshot this cannot differ; if it ever did, the backup must not pretend to be whole.
      if (n !== counts[table.name]) throw new AppError("INTERNAL", `${table.name} changed while it was read (${counts[table.name]} rows counted, ${n} read)`);
    }
    yield { kind: "end", counts };
  } finally {
    await snapshot.end();
  }
}
