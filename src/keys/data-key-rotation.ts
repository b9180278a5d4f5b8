/**
 * `keyhaven rotate-data-key`: one owner's secrets — each key's current value and its kept
 * versions — re-encrypted under a fresh data key (the owner's next generation), then the old data
 * key deleted once nothing references it. Safe while servers run:
 *
 * - a row's `data_key_id` and `encrypted_value` change together in one compare-and-set UPDATE,
 *   so a hand-out reads either the old pair or the new one, and both open (the old data key is
 *   still there); the row's version and every other field stay as they are;
 * - new secrets go under the newest generation as soon as it exists (data-key-store asks which
 *   is newest on every encrypt); a write racing the switch can still land under the old key, so
 *   the rows are swept again until none is left;
 * - the old key is deleted by one statement that checks, as it deletes, that no row of the owner
 *   references it (and the api_keys foreign key refuses the rest): a key in use is kept, never lost.
 *
 * Resumable: while an owner has more than one data key a rotation is under way, and the next run
 * finishes it with the newest generation instead of starting another.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { CLI_ACTOR } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import { authorize } from "../access/policy.js";
import { auditEvent, type AuditService } from "../audit/audit-service.js";
import { generateDataKey, unwrapDataKey, wrapDataKey } from "../crypto/data-key.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import { decryptSecret, encryptSecret, type SecretBinding } from "../crypto/secret-box.js";
import type { DialectName } from "../db/connect.js";
import type { Database } from "../db/schema.js";
import { verifyStoredSecrets, type VerificationResult } from "./secret-verification.js";
import { currentBinding, versionBinding } from "./secret-binding.js";

const BATCH = 500;
/** Sweeps over rows still under an old key (writes racing the switch); each normally finds none. */
const MAX_SWEEPS = 5;
/**
 * Wait after the last row moved before deleting the old key: a hand-out that read a row just
 * before it moved may still ask for that row's data key by id (when its own cache holds another).
 */
export const DEFAULT_DELETE_GRACE_MS = 1_000;

export interface DataKeyRotationProgress {
  moved: number;
}

export interface DataKeyRotationResult {
  owner: OwnerRef;
  /** A rotation left unfinished (killed, or a row that would not open) was finished instead of starting another. */
  resumed: boolean;
  dataKeyId: string;
  generation: number;
  /** Current values re-encrypted. */
  secrets: number;
  /** Kept versions re-encrypted. */
  versions: number;
  /** Rows that would not open with the owner's old data keys: left as they are. */
  failed: string[];
  /** Old data keys deleted, and those kept because something still references them. */
  deleted: string[];
  kept: string[];
  verification: VerificationResult;
}

export interface DataKeyRotationDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  keyring: MasterKeyring;
  audit: Pick<AuditService, "record">;
}

type Db = Kysely<Database>;

const newDataKeyId = () => `dek_${randomBytes(12).toString("base64url")}`;

/** The owner's data keys, newest first; a fresh generation added unless a rotation is under way. */
async function startOrResume(db: Db, keyring: MasterKeyring, owner: OwnerRef) {
  const existing = await ownerDataKeys(db, owner);
  if (existing.length === 0) return undefined;
  if (existing.length > 1) return { resumed: true, keys: existing };
  const generation = Number(existing[0].generation) + 1;
  await db
    .insertInto("data_keys")
    .values({
      id: newDataKeyId(),
      owner_type: owner.type,
      owner_id: owner.id,
      generation,
      kek_version: keyring.currentVersion,
      wrapped_key: wrapDataKey(keyring, owner, generateDataKey()),
      created_at: new Date().toISOString(),
    })
    // Another run for the same owner at the same moment: both go on with whichever was stored.
    .onConflict((oc) => oc.columns(["owner_type", "owner_id", "generation"]).doNothing())
    .execute();
  return { resumed: false, keys: await ownerDataKeys(db, owner) };
}

function ownerDataKeys(db: Db, owner: OwnerRef) {
  return db
    .selectFrom("data_keys")
    .select(["id", "generation", "wrapped_key"])
    .where("owner_type", "=", owner.type)
    .where("owner_id", "=", owner.id)
    .orderBy("generation", "desc")
    .execute();
}

/** One table's rows of an owner, as the sweep moves them. */
interface SealedRow {
  /** How the row is named in failures ("key …" or "key … version N"). */
  label: string;
  binding: SecretBinding;
  dataKeyId: string;
  ciphertext: string;
}

/**
 * Moves rows to `target` page by page: each page decrypted with the old key, sealed under the new
 * one with the same binding, and written in one transaction, each row compare-and-set on its old
 * data key id and ciphertext (a row changed meanwhile is left for the next sweep). Returns how
 * many moved and how many were overtaken.
 */
async function moveRows<R>(
  db: Db,
  target: { id: string; dek: Buffer },
  open: (dataKeyId: string) => Buffer,
  failed: Set<string>,
  onMoved: (n: number) => void,
  table: {
    /** The next page after `last` (undefined: the first), rows not under `target` only. */
    page: (last: R | undefined) => Promise<R[]>;
    sealed: (row: R) => SealedRow;
    /** The compare-and-set UPDATE of one row; resolves to the rows it changed (0 or 1). */
    write: (trx: Db, row: R, sealed: SealedRow, ciphertext: string) => Promise<bigint>;
  },
): Promise<{ moved: number; pending: number }> {
  let moved = 0;
  let pending = 0;
  let last: R | undefined;
  for (;;) {
    const rows = await table.page(last);
    if (rows.length === 0) break;
    last = rows[rows.length - 1];
    const writes: { row: R; sealed: SealedRow; ciphertext: string }[] = [];
    for (const row of rows) {
      const sealed = table.sealed(row);
      try {
        const plaintext = decryptSecret(open(sealed.dataKeyId), sealed.binding, sealed.ciphertext);
        writes.push({ row, sealed, ciphertext: encryptSecret(target.dek, sealed.binding, plaintext) });
      } catch {
        failed.add(sealed.label);
      }
    }
    const n = await db.transaction().execute(async (trx) => {
      let changed = 0;
      for (const w of writes) changed += Number(await table.write(trx, w.row, w.sealed, w.ciphertext));
      return changed;
    });
    moved += n;
    pending += writes.length - n;
    onMoved(n);
  }
  return { moved, pending };
}

/** One sweep over the owner's current values, then its kept versions, not under `target`. */
async function sweep(
  db: Db,
  owner: OwnerRef,
  target: { id: string; dek: Buffer },
  oldDeks: Map<string, Buffer>,
  failed: Set<string>,
  onMoved: (n: number) => void,
): Promise<{ secrets: number; versions: number; pending: number }> {
  const open = (dataKeyId: string) => {
    const dek = oldDeks.get(dataKeyId);
    if (!dek) throw new Error("not one of the owner's data keys");
    return dek;
  };

  const current = await moveRows(db, target, open, failed, onMoved, {
    page: (last: { id: string } | undefined) =>
      db
        .selectFrom("api_keys")
        .select(["id", "service", "version", "config", "data_key_id", "encrypted_value"])
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("data_key_id", "<>", target.id)
        .where("id", ">", last?.id ?? "")
        .orderBy("id")
        .limit(BATCH)
        .execute(),
    sealed: (row) => ({
      label: `key ${row.id}`,
      binding: currentBinding(owner, row),
      dataKeyId: row.data_key_id,
      ciphertext: row.encrypted_value,
    }),
    write: async (trx, row, sealed, ciphertext) =>
      (
        await trx
          .updateTable("api_keys")
          .set({ data_key_id: target.id, encrypted_value: ciphertext })
          .where("id", "=", row.id)
          .where("owner_type", "=", owner.type)
          .where("owner_id", "=", owner.id)
          .where("data_key_id", "=", sealed.dataKeyId)
          .where("encrypted_value", "=", sealed.ciphertext)
          .executeTakeFirst()
      ).numUpdatedRows,
  });

  const kept = await moveRows(db, target, open, failed, onMoved, {
    page: (last: { key_id: string; version: number | string } | undefined) => {
      const after = { keyId: last?.key_id ?? "", version: Number(last?.version ?? 0) };
      return db
        .selectFrom("api_key_versions as v")
        .innerJoin("api_keys as k", "k.id", "v.key_id")
        // Every column of the version row: its binding uses its own version and config (keys/secret-binding.ts).
        .selectAll("v")
        .select(["k.service"])
        .where("k.owner_type", "=", owner.type)
        .where("k.owner_id", "=", owner.id)
        .where("v.data_key_id", "<>", target.id)
        .where((eb) => eb.or([eb("v.key_id", ">", after.keyId), eb.and([eb("v.key_id", "=", after.keyId), eb("v.version", ">", after.version)])]))
        .orderBy("v.key_id")
        .orderBy("v.version")
        .limit(BATCH)
        .execute();
    },
    sealed: (row) => ({
      label: `key ${row.key_id} version ${row.version}`,
      binding: versionBinding({ id: row.key_id, owner, service: row.service }, row),
      dataKeyId: row.data_key_id,
      ciphertext: row.encrypted_value,
    }),
    write: async (trx, row, sealed, ciphertext) =>
      (
        await trx
          .updateTable("api_key_versions")
          .set({ data_key_id: target.id, encrypted_value: ciphertext })
          .where("key_id", "=", row.key_id)
          .where("version", "=", Number(row.version))
          .where("data_key_id", "=", sealed.dataKeyId)
          .where("encrypted_value", "=", sealed.ciphertext)
          .executeTakeFirst()
      ).numUpdatedRows,
  });

  return { secrets: current.moved, versions: kept.moved, pending: current.pending + kept.pending };
}

/**
 * Deletes the owner's old data keys that nothing references, checked by the deleting statement
 * itself. On PostgreSQL the owner's key rows are locked first, so a write in flight on one of them
 * (which may be adding a kept version under the old key) commits before the check reads.
 */
async function deleteUnreferenced(db: Db, dialect: DialectName, owner: OwnerRef, keep: string): Promise<string[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      if (dialect === "postgres") {
        await trx.selectFrom("api_keys").select("id").where("owner_type", "=", owner.type).where("owner_id", "=", owner.id).forUpdate().execute();
      }
      const deleted = await trx
        .deleteFrom("data_keys")
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "<>", keep)
        .where((eb) =>
          // The owner's rows (its index); another owner's row pointing here would trip the foreign key.
          eb.not(
            eb.exists(
              eb
                .selectFrom("api_keys as k")
                .select("k.id")
                .where("k.owner_type", "=", owner.type)
                .where("k.owner_id", "=", owner.id)
                .whereRef("k.data_key_id", "=", "data_keys.id"),
            ),
          ),
        )
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("api_key_versions as v")
                .innerJoin("api_keys as k2", "k2.id", "v.key_id")
                .select("v.key_id")
                .where("k2.owner_type", "=", owner.type)
                .where("k2.owner_id", "=", owner.id)
                .whereRef("v.data_key_id", "=", "data_keys.id"),
            ),
          ),
        )
        .returning("id")
        .execute();
      return deleted.map((r) => r.id);
    });
  } catch {
    // A row written under the old key at this very moment: the foreign key refused the delete. Keep it; a rerun retries.
    return [];
  }
}

export async function rotateOwnerDataKey(
  deps: DataKeyRotationDeps,
  owner: OwnerRef,
  opts: { onProgress?: (p: DataKeyRotationProgress) => void; deleteGraceMs?: number } = {},
): Promise<DataKeyRotationResult | undefined> {
  // Re-sealing under the owner's own key material: the value never leaves (the CLI's maintenance right).
  authorize(CLI_ACTOR, "key.reseal", { owner });
  const { db, dialect, keyring } = deps;
  const started = await startOrResume(db, keyring, owner);
  if (!started) return undefined;
  const [newest, ...olds] = started.keys;
  let target: { id: string; dek: Buffer };
  try {
    target = { id: newest.id, dek: unwrapDataKey(keyring, owner, newest.wrapped_key) };
  } catch {
    throw new Error(`the newest data key of ${owner.type}:${owner.id} (${newest.id}) does not unwrap with the configured master keys`);
  }
  const oldDeks = new Map<string, Buffer>();
  for (const k of olds) {
    try {
      oldDeks.set(k.id, unwrapDataKey(keyring, owner, k.wrapped_key));
    } catch {
      // Its rows will not open and are reported one by one; the key itself is kept with them.
    }
  }

  const failed = new Set<string>();
  let secrets = 0;
  let versions = 0;
  let moved = 0;
  for (let i = 0; i < MAX_SWEEPS; i++) {
    const swept = await sweep(db, owner, target, oldDeks, failed, (n) => {
      moved += n;
      opts.onProgress?.({ moved });
    });
    secrets += swept.secrets;
    versions += swept.versions;
    if (swept.pending === 0 && swept.secrets + swept.versions === 0) break;
  }
  if (moved > 0) await new Promise((r) => setTimeout(r, opts.deleteGraceMs ?? DEFAULT_DELETE_GRACE_MS));
  const deleted = olds.length ? await deleteUnreferenced(db, dialect, owner, target.id) : [];
  const kept = olds.map((k) => k.id).filter((id) => !deleted.includes(id));
  for (const dek of [...oldDeks.values(), target.dek]) dek.fill(0);

  const verification = await verifyStoredSecrets(db, keyring, { owner });
  await deps.audit.record(
    auditEvent(CLI_ACTOR, "admin.rotate_data_key", {
      owner,
      target: { type: "data_key", id: target.id, label: `data key generation ${Number(newest.generation)}` },
      details: {
        generation: Number(newest.generation),
        resumed: started.resumed,
        secrets,
        versions,
        failed: failed.size,
        deletedDataKeys: deleted.length,
        keptDataKeys: kept.length,
        verifyFailures: verification.failures.length,
      },
    }),
  );
  return {
    owner,
    resumed: started.resumed,
    dataKeyId: target.id,
    generation: Number(newest.generation),
    secrets,
    versions,
    failed: [...failed],
    deleted,
    kept,
    verification,
  };
}
