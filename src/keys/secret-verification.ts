/**
 * Proof that everything stored still opens with the configured master keys: every data key
 * unwraps, and every secret — each key's current value (`api_keys`) and its kept versions
 * (`api_key_versions`) — decrypts with its owner's data key against its binding. The end of
 * `keyhaven rotate-master-key` and `keyhaven rotate-data-key`; read-only, in pages.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DialectName } from "../db/connect.js";
import type { OwnerRef } from "../access/owner.js";
import { unwrapDataKey } from "../crypto/data-key.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import { decryptSecret } from "../crypto/secret-box.js";
import { currentBinding, versionBinding } from "./secret-binding.js";
import { wrappedKeyColumn } from "./wrapped-key-column.js";
import type { Database } from "../db/schema.js";
import { setBounded } from "../platform/bounded-map.js";

const PAGE = 2_000;
/** Unwrapped data keys kept while verifying (one per owner; a page's owners are near each other). */
const DEK_CACHE = 20_000;

export interface VerificationResult {
  dataKeys: number;
  secrets: number;
  versions: number;
  /** What does not open: `data key <id>`, `key <id>`, `key <id> version <n>`. */
  failures: string[];
}

export interface VerificationProgress {
  checked: number;
}

/**
 * The column a full scan pages by (keyset pagination). On SQLite the rowid: rows come in the
 * order they are stored, so each page reads neighbouring pages of the file — by the random text
 * id, a million rows cost a random page read each (minutes instead of seconds). A row keeps its
 * rowid when updated, and new rows get higher ones, so the scan misses nothing that was there.
 */
export const scanKey = (dialect: DialectName | undefined, table: string): RawBuilder<string | number> =>
  dialect === "sqlite" ? sql<number>`${sql.ref(table)}.rowid` : sql<string>`${sql.ref(`${table}.id`)}`;
export const scanStart = (dialect: DialectName | undefined): string | number => (dialect === "sqlite" ? 0 : "");

const ownerOf = (row: { owner_type: string; owner_id: string }): OwnerRef => ({ type: row.owner_type as OwnerRef["type"], id: row.owner_id });

/** Unwraps data keys met while verifying, each once (bounded), checked against the owner asking. */
export function dataKeyOpener(keyring: MasterKeyring) {
  const cache = new Map<string, { owner: string; dek: Buffer }>();
  return (id: string, owner: OwnerRef, wrapped: string | null): Buffer => {
    const ownerKey = `${owner.type}:${owner.id}`;
    const hit = cache.get(id);
    if (hit && hit.owner === ownerKey) return hit.dek;
    if (wrapped === null) throw new Error("its data key is missing");
    const dek = unwrapDataKey(keyring, owner, wrapped);
    setBounded(cache, id, { owner: ownerKey, dek }, DEK_CACHE);
    return dek;
  };
}

export async function verifyStoredSecrets(
  db: Kysely<Database>,
  keyring: MasterKeyring,
  opts: { owner?: OwnerRef; dialect?: DialectName; onProgress?: (p: VerificationProgress) => void } = {},
): Promise<VerificationResult> {
  const { owner } = opts;
  const result: VerificationResult = { dataKeys: 0, secrets: 0, versions: 0, failures: [] };
  const open = dataKeyOpener(keyring);
  const progress = () => opts.onProgress?.({ checked: result.dataKeys + result.secrets + result.versions });

  const { dialect } = opts;
  let after = scanStart(dialect);
  for (;;) {
    const key = scanKey(dialect, "data_keys");
    let q = db.selectFrom("data_keys").select(["id", "owner_type", "owner_id", "wrapped_key", key.as("scan_key")]).where(key, ">", after);
    if (owner) q = q.where("owner_type", "=", owner.type).where("owner_id", "=", owner.id);
    const page = await q.orderBy(key).limit(PAGE).execute();
    if (page.length === 0) break;
    for (const row of page) {
      result.dataKeys++;
      try {
        open(row.id, ownerOf(row), row.wrapped_key);
      } catch {
        result.failures.push(`data key ${row.id}`);
      }
    }
    after = page[page.length - 1].scan_key;
    progress();
  }

  after = scanStart(dialect);
  for (;;) {
    const key = scanKey(dialect, "k");
    let q = db
      .selectFrom("api_keys as k")
      .select(["k.id", "k.owner_type", "k.owner_id", "k.service", "k.version", "k.config", "k.data_key_id", "k.encrypted_value", key.as("scan_key")])
      .select(wrappedKeyColumn("k.data_key_id"))
      .where(key, ">", after);
    if (owner) q = q.where("k.owner_type", "=", owner.type).where("k.owner_id", "=", owner.id);
    const page = await q.orderBy(key).limit(PAGE).execute();
    if (page.length === 0) break;
    for (const row of page) {
      result.secrets++;
      const rowOwner = ownerOf(row);
      try {
        const dek = open(row.data_key_id, rowOwner, row.wrapped_key ?? null);
        const binding = currentBinding(rowOwner, row);
        decryptSecret(dek, binding, row.encrypted_value);
      } catch {
        result.failures.push(`key ${row.id}`);
      }
    }
    after = page[page.length - 1].scan_key;
    progress();
  }

  let afterVersion = { keyId: "", version: 0 };
  for (;;) {
    let q = db
      .selectFrom("api_key_versions as v")
      .innerJoin("api_keys as k", "k.id", "v.key_id")
      // Every column of the version row: the table is growing (who made it, its config, …).
      .selectAll("v")
      .select(["k.owner_type", "k.owner_id", "k.service"])
      .select(wrappedKeyColumn("v.data_key_id"))
      .where((eb) =>
        eb.or([eb("v.key_id", ">", afterVersion.keyId), eb.and([eb("v.key_id", "=", afterVersion.keyId), eb("v.version", ">", afterVersion.version)])]),
      );
    if (owner) q = q.where("k.owner_type", "=", owner.type).where("k.owner_id", "=", owner.id);
    const page = await q.orderBy("v.key_id").orderBy("v.version").limit(PAGE).execute();
    if (page.length === 0) break;
    for (const row of page) {
      result.versions++;
      const rowOwner = ownerOf(row);
      try {
        const dek = open(row.data_key_id, rowOwner, row.wrapped_key ?? null);
        const binding = versionBinding({ id: row.key_id, owner: rowOwner, service: row.service }, row);
        decryptSecret(dek, binding, row.encrypted_value);
      } catch {
        result.failures.push(`key ${row.key_id} version ${row.version}`);
      }
    }
    const last = page[page.length - 1];
    afterVersion = { keyId: last.key_id, version: Number(last.version) };
    progress();
  }
  return result;
}
