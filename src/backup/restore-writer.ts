/**
 * Writes a snapshot's records (snapshot-records.ts) into a target database in ONE transaction:
 * all of it or nothing — a damaged or short stream, a failed insert or a failed check leaves the
 * target as it was. The target must be empty unless `force` (then everything in it is replaced,
 * in the same transaction). Rows go in as multi-row INSERTs, converted to the target's dialect;
 * data keys are wrapped under the target's current master key and its key check is recorded, so
 * the source's master key is not needed. Before committing, every data key, key and kept version
 * must open and the audit chain must verify.
 */
import type { Kysely, Transaction } from "kysely";
import type { OwnerRef } from "../access/owner.js";
import { appendAuditEvents, verifyAuditChain } from "../audit/audit-store.js";
import type { AuditEventInput } from "../audit/audit-types.js";
import { wrapDataKey } from "../crypto/data-key.js";
import { computeKeyCheckValue } from "../crypto/key-check.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { DatabaseHandle, DialectName } from "../db/connect.js";
import { LATEST_MIGRATION } from "../db/migrate.js";
import type { Database } from "../db/schema.js";
import { verifyStoredSecrets } from "../keys/secret-verification.js";
import { AppError } from "../platform/errors.js";
import { fromPortable, SNAPSHOT_FORMAT, unusableSnapshot, type BackupProgress, type BackupRecord } from "./snapshot-records.js";
import { BACKUP_TABLES, backupTable, type AnyTables, type BackupTable } from "./snapshot-tables.js";

export interface RestoreOptions {
  /** Replace whatever the target holds (default: refuse a target that holds anything). */
  force?: boolean;
  /** Called after every batch written. */
  onProgress?: (p: BackupProgress) => void;
  now?: () => Date;
  /**
   * Events to append to the restored audit chain in the same transaction (e.g. the restore's
   * own), given the rows written per table; the chain is verified with them.
   */
  auditEvents?: (counts: Record<string, number>) => readonly AuditEventInput[];
}

export interface RestoreReport {
  /** Rows written per table. */
  counts: Record<string, number>;
  /** Data keys unwrapped, key values and kept versions decrypted on the target before commit. */
  dataKeysVerified: number;
  keysVerified: number;
  versionsVerified: number;
  /** Audit events whose chain verified on the target before commit. */
  auditVerified: number;
}

/** Rows per INSERT: at most 500, and within SQLite's 32,766 bound parameters for the widest table. */
const batchSize = (table: BackupTable) => Math.min(500, Math.floor(30_000 / Object.keys(table.columns).length));

type AnyTx = Transaction<AnyTables>;

/** Emptied before writing, children first. Sessions and codes go too: they belong to the users replaced. */
const CLEARED = ["session", "verification", ...BACKUP_TABLES.map((t) => t.name).reverse(), "master_key_checks"];

/** The first table holding anything a restore would replace (undefined: the database is empty). */
export async function firstNonEmptyTable(db: Kysely<Database> | Transaction<Database>): Promise<string | undefined> {
  const any = db as unknown as Kysely<AnyTables>;
  for (const table of BACKUP_TABLES) {
    let q = any.selectFrom(table.name).select(table.key[0]);
    // A fresh database has the audit chain's genesis head.
    if (table.name === "audit_head") q = q.where("seq", ">", 0);
    if (await q.limit(1).executeTakeFirst()) return table.name;
  }
  return undefined;
}

async function refuseNonEmpty(tx: AnyTx): Promise<void> {
  const table = await firstNonEmptyTable(tx as unknown as Transaction<Database>);
  if (table) {
    throw new AppError("CONFLICT", `the target database is not empty (it has ${table} rows); restore into an empty database, or force the restore to replace everything in it`);
  }
}

function storedRow(table: BackupTable, row: unknown, dialect: DialectName, keyring: MasterKeyring): Record<string, unknown> {
  if (typeof row !== "object" || row === null || Array.isArray(row)) throw unusableSnapshot(`a ${table.name} row is not an object`);
  const values = row as Record<string, unknown>;
  const names = Object.keys(table.columns);
  if (Object.keys(values).length !== names.length || !names.every((c) => c in values)) throw unusableSnapshot(`a ${table.name} row does not have the table's columns`);
  const out: Record<string, unknown> = {};
  for (const [column, kind] of Object.entries(table.columns)) {
    if (kind !== "dataKey") {
      out[column] = fromPortable(kind, values[column], dialect, `${table.name}.${column}`);
      continue;
    }
    const text = values[column];
    const dek = typeof text === "string" ? Buffer.from(text, "base64") : undefined;
    if (!dek || dek.length !== 32 || dek.toString("base64") !== text) throw unusableSnapshot(`data key ${String(values.id)} is not a 32-byte key`);
    const owner: OwnerRef = { type: values.owner_type as OwnerRef["type"], id: String(values.owner_id) };
    out.wrapped_key = wrapDataKey(keyring, owner, dek);
    out.kek_version = keyring.currentVersion;
  }
  return out;
}

export async function restoreSnapshot(
  handle: DatabaseHandle,
  keyring: MasterKeyring,
  records: AsyncIterable<BackupRecord>,
  opts: RestoreOptions = {},
): Promise<RestoreReport> {
  const now = opts.now ?? (() => new Date());
  const kek = keyring.keyFor(keyring.currentVersion);
  if (!kek) throw new Error(`current master key version ${keyring.currentVersion} is not in the keyring`);

  return (handle.db as unknown as Kysely<AnyTables>).transaction().execute(async (tx) => {
    if (!opts.force) await refuseNonEmpty(tx);
    for (const name of CLEARED) await tx.deleteFrom(name).execute();

    const counts: Record<string, number> = {};
    let total = 0;
    let written = 0;
    let started = false;
    let ended = false;
    let table: BackupTable | undefined;
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (!table || batch.length === 0) return;
      await tx.insertInto(table.name).values(batch).execute();
      counts[table.name] += batch.length;
      written += batch.length;
      batch = [];
      opts.onProgress?.({ rows: written, total });
    };

    for await (const record of records) {
      if (ended) throw unusableSnapshot("records follow its end");
      if (!started) {
        if (record.kind !== "snapshot" || record.format !== SNAPSHOT_FORMAT) throw unusableSnapshot("it does not begin with a snapshot header this version reads");
        if (record.schema !== LATEST_MIGRATION) {
          throw unusableSnapshot(`it was taken at schema ${record.schema}, this Keyhaven's is ${LATEST_MIGRATION}; restore with the version that made it`);
        }
        total = typeof record.totalRows === "number" ? record.totalRows : 0;
        started = true;
        continue;
      }
      switch (record.kind) {
        case "table": {
          await flush();
          const next = backupTable(record.name);
          // In the spec's order, each once: that order is what satisfies the foreign keys.
          if (!next || BACKUP_TABLES.indexOf(next) <= (table ? BACKUP_TABLES.indexOf(table) : -1)) throw unusableSnapshot(`table ${record.name} is unknown or out of order`);
          const expected = Object.keys(next.columns);
          if (!Array.isArray(record.columns) || record.columns.length !== expected.length || !expected.every((c) => record.columns.includes(c))) {
            throw unusableSnapshot(`table ${record.name} does not have this version's columns`);
          }
          table = next;
          counts[table.name] = 0;
          break;
        }
        case "row":
          if (!table || record.table !== table.name) throw unusableSnapshot(`a ${String(record.table)} row outside its table`);
          batch.push(storedRow(table, record.row, handle.dialect, keyring));
          if (batch.length >= batchSize(table)) await flush();
          break;
        case "end": {
          await flush();
          const missing = BACKUP_TABLES.find((t) => !(t.name in counts));
          if (missing) throw unusableSnapshot(`table ${missing.name} is missing`);
          const wrong = BACKUP_TABLES.find((t) => record.counts?.[t.name] !== counts[t.name]);
          if (wrong) throw unusableSnapshot(`${wrong.name} has ${counts[wrong.name]} rows, its end record says ${String(record.counts?.[wrong.name])}`);
          ended = true;
          break;
        }
        default:
          throw unusableSnapshot("a record that does not belong there (a second header, or an unknown kind)");
      }
    }
    if (!ended) throw unusableSnapshot("it ends early (no end record): it was cut short");

    // As start-up records it for a fresh database (keys/key-check-store.ts): the target's key now.
    await tx.insertInto("master_key_checks").values({ kek_version: keyring.currentVersion, check_value: computeKeyCheckValue(kek), created_at: now().toISOString() }).execute();

    const typed = tx as unknown as Transaction<Database>;
    const events = opts.auditEvents?.(counts) ?? [];
    if (events.length) await appendAuditEvents(typed, events, now().toISOString());
    const secrets = await verifyStoredSecrets(typed, keyring, { dialect: handle.dialect });
    if (secrets.failures.length > 0) {
      const shown = secrets.failures.slice(0, 5).join(", ");
      throw new AppError("INTERNAL", `the restored data does not verify (${secrets.failures.length} failures: ${shown}${secrets.failures.length > 5 ? ", …" : ""}); nothing was restored`);
    }
    const audit = await verifyAuditChain(typed);
    if (!audit.ok) throw new AppError("INTERNAL", `the restored audit log does not verify at event #${audit.first.seq}: ${audit.first.reason}; nothing was restored`);
    return { counts, dataKeysVerified: secrets.dataKeys, keysVerified: secrets.secrets, versionsVerified: secrets.versions, auditVerified: audit.checked };
  });
}
