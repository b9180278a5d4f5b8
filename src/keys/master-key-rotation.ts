/**
 * `keyhaven rotate-master-key`: re-wraps every data key that is not under the current master key
 * version, while servers keep running. Only `data_keys.wrapped_key`/`kek_version` change; the
 * secrets and the unwrapped data keys (cached by servers, immutable) stay exactly as they are.
 *
 * Batches in storage order (keyset pagination: SQLite's rowid, PostgreSQL's primary key), each written in one transaction as one set-based
 * UPDATE that compares the old wrapped key (compare-and-set: a row changed or deleted meanwhile
 * is left alone). Resumable for free: a re-wrapped row no longer matches the filter, so a run
 * killed at any point and started again picks up what is left.
 */
import { sql, type Kysely } from "kysely";
import type { OwnerRef } from "../access/owner.js";
import { unwrapDataKey, wrapDataKey } from "../crypto/data-key.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { DialectName } from "../db/connect.js";
import type { Database } from "../db/schema.js";
import { CLI_ACTOR } from "../access/actor.js";
import { auditEvent, type AuditService } from "../audit/audit-service.js";
import { scanKey, scanStart, verifyStoredSecrets, type VerificationProgress, type VerificationResult } from "./secret-verification.js";

/** Rows per batch: 3 parameters each, well under SQLite's 32,766 and PostgreSQL's 65,535. */
export const REWRAP_BATCH = 2_000;

export interface RewrapProgress {
  done: number;
  total: number;
}

export interface RewrapResult {
  /** The versions found under something other than the current one when the run started. */
  fromVersions: number[];
  toVersion: number;
  /** Data keys not under the current version when the run started. */
  total: number;
  rewrapped: number;
  /** Rows changed or deleted by someone else between read and write (nothing to do for them). */
  skipped: number;
  /** Data keys that do not unwrap (tampered, or their master key version is not configured): left as they are. */
  failed: string[];
}

export interface RewrapRow {
  id: string;
  oldKey: string;
  newKey: string;
}

const ownerOf = (row: { owner_type: string; owner_id: string }): OwnerRef => ({ type: row.owner_type as OwnerRef["type"], id: row.owner_id });

/** One set-based compare-and-set UPDATE for a batch; returns how many rows it changed. */
export async function writeRewrapBatch(db: Kysely<Database>, dialect: DialectName, toVersion: number, rows: RewrapRow[]): Promise<number> {
  const values = sql.join(rows.map((r) => sql`(${r.id}, ${r.oldKey}, ${r.newKey})`));
  const query =
    dialect === "postgres"
      ? sql`update data_keys as d set wrapped_key = v.new_key, kek_version = ${toVersion}
            from (values ${values}) as v(id, old_key, new_key)
            where d.id = v.id and d.wrapped_key = v.old_key`
      : // SQLite names a VALUES list's columns column1, column2, …
        sql`update data_keys set wrapped_key = v.new_key, kek_version = ${toVersion}
            from (select column1 as id, column2 as old_key, column3 as new_key from (values ${values})) as v
            where data_keys.id = v.id and data_keys.wrapped_key = v.old_key`;
  const result = await db.transaction().execute((trx) => query.execute(trx));
  return Number(result.numAffectedRows ?? 0n);
}

export async function rewrapDataKeys(
  db: Kysely<Database>,
  dialect: DialectName,
  keyring: MasterKeyring,
  onProgress: (progress: RewrapProgress) => void = () => {},
  batchSize = REWRAP_BATCH,
): Promise<RewrapResult> {
  const toVersion = keyring.currentVersion;
  const pending = await db
    .selectFrom("data_keys")
    .select((eb) => ["kek_version", eb.fn.countAll<number | string>().as("count")])
    .where("kek_version", "<>", toVersion)
    .groupBy("kek_version")
    .execute();
  const total = pending.reduce((n, r) => n + Number(r.count), 0);
  const result: RewrapResult = {
    fromVersions: pending.map((r) => Number(r.kek_version)).sort((a, b) => a - b),
    toVersion,
    total,
    rewrapped: 0,
    skipped: 0,
    failed: [],
  };
  let done = 0;
  let after: string | number = scanStart(dialect);
  onProgress({ done, total });
  for (;;) {
    const batch = await db
      .selectFrom("data_keys")
      .select(["id", "owner_type", "owner_id", "wrapped_key", scanKey(dialect, "data_keys").as("scan_key")])
      .where("kek_version", "<>", toVersion)
      .where(scanKey(dialect, "data_keys"), ">", after)
      .orderBy(scanKey(dialect, "data_keys"))
      .limit(batchSize)
      .execute();
    if (batch.length === 0) break;
    const rows: RewrapRow[] = [];
    for (const row of batch) {
      const owner = ownerOf(row);
      let dek: Buffer;
      try {
        dek = unwrapDataKey(keyring, owner, row.wrapped_key);
      } catch {
        result.failed.push(row.id);
        continue;
      }
      rows.push({ id: row.id, oldKey: row.wrapped_key, newKey: wrapDataKey(keyring, owner, dek) });
      dek.fill(0);
    }
    if (rows.length) {
      const changed = await writeRewrapBatch(db, dialect, toVersion, rows);
      result.rewrapped += changed;
      result.skipped += rows.length - changed;
    }
    done += batch.length;
    // Rows added under an old version meanwhile (a server not restarted yet) can push done past total.
    onProgress({ done, total: Math.max(total, done) });
    after = batch[batch.length - 1].scan_key;
  }
  return result;
}

export interface MasterKeyRotation {
  rewrap: RewrapResult;
  /** Data keys still not under the current version after the run (failures, or written meanwhile by a server still on the old key). */
  remaining: number;
  verification: VerificationResult;
}

/** Re-wrap, then verify everything stored, then record who did it (ids and counts only). */
export async function rotateMasterKey(
  deps: { db: Kysely<Database>; dialect: DialectName; keyring: MasterKeyring; audit: Pick<AuditService, "record"> },
  hooks: { onRewrap?: (p: RewrapProgress) => void; onVerify?: (p: VerificationProgress) => void; batchSize?: number } = {},
): Promise<MasterKeyRotation> {
  const { db, dialect, keyring } = deps;
  const rewrap = await rewrapDataKeys(db, dialect, keyring, hooks.onRewrap, hooks.batchSize);
  const { count } = await db
    .selectFrom("data_keys")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("kek_version", "<>", keyring.currentVersion)
    .executeTakeFirstOrThrow();
  const verification = await verifyStoredSecrets(db, keyring, { dialect, onProgress: hooks.onVerify });
  await deps.audit.record(
    auditEvent(CLI_ACTOR, "admin.rotate_master_key", {
      target: { type: "master_key", id: String(rewrap.toVersion), label: `master key version ${rewrap.toVersion}` },
      details: {
        fromVersions: rewrap.fromVersions,
        toVersion: rewrap.toVersion,
        dataKeys: rewrap.total,
        rewrapped: rewrap.rewrapped,
        failed: rewrap.failed.length,
        remaining: Number(count),
        verified: { dataKeys: verification.dataKeys, secrets: verification.secrets, versions: verification.versions },
        verifyFailures: verification.failures.length,
      },
    }),
  );
  return { rewrap, remaining: Number(count), verification };
}
