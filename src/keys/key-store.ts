/**
 * Data access for api_keys. Every query starts from `owned(owner)`, so a row of another
 * owner can never be read, changed or deleted: isolation holds by construction.
 */
import { sql, type CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { OwnerRef } from "../crypto/owner.js";
import type { ApiKeyRow, ApiKeyRowUpdate, Database, NewApiKeyRow } from "../db/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface UsableKeyRow {
  id: string;
  service: string;
  data_key_id: string;
  encrypted_value: string;
  config: string;
}

export interface KeyStore {
  transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T>;
  insert(row: NewApiKeyRow): Promise<ApiKeyRow>;
  find(owner: OwnerRef, id: string): Promise<ApiKeyRow | undefined>;
  list(owner: OwnerRef, service?: string): Promise<ApiKeyRow[]>;
  /** `bumpVersion` increments `version` in the same statement (a new value was stored). */
  update(owner: OwnerRef, id: string, patch: ApiKeyRowUpdate, opts?: { bumpVersion?: boolean }): Promise<ApiKeyRow | undefined>;
  remove(owner: OwnerRef, id: string): Promise<boolean>;
  clearDefault(owner: OwnerRef, service: string): Promise<void>;
  findUsable(owner: OwnerRef, service: string, nowIso: string): Promise<UsableKeyRow | undefined>;
}

// Placeholders for the precompiled hand-out query; replaced by position at each call.
const P_OWNER_TYPE = "\u0000owner_type";
const P_OWNER_ID = "\u0000owner_id";
const P_SERVICE = "\u0000service";
const P_NOW = "\u0000now";

/**
 * The hand-out lookup: the owner's active, unexpired key for a service, the default first,
 * else the most recently updated. No join to data_keys: the unwrapped data key is almost
 * always cached, and on a miss it is read once by id. `limit 1` is a literal so SQLite can use
 * its top-1 plan.
 */
function handOutQuery(db: Db) {
  return db
    .selectFrom("api_keys as k")
    .select(["k.id", "k.service", "k.data_key_id", "k.encrypted_value", "k.config"])
    .where("k.owner_type", "=", P_OWNER_TYPE)
    .where("k.owner_id", "=", P_OWNER_ID)
    .where("k.service", "=", P_SERVICE)
    .where("k.is_active", "=", 1)
    .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", P_NOW)]))
    .orderBy("k.is_default", "desc")
    .orderBy("k.updated_at", "desc")
    .orderBy("k.id", "desc")
    .limit(sql.lit(1));
}

export interface KeyStoreOptions {
  /** SQLite's synchronous read-only connection (DatabaseHandle.readOneSync) for the hand-out. */
  readOneSync?: <T>(sql: string, parameters: readonly unknown[]) => T | undefined;
}

export function createKeyStore(db: Db, opts: KeyStoreOptions = {}): KeyStore {
  // Built once per store: rebuilding the query for every hand-out cost more than running it.
  let handOut: CompiledQuery<UsableKeyRow> | undefined;
  const owned = (owner: OwnerRef) =>
    db.selectFrom("api_keys").where("owner_type", "=", owner.type).where("owner_id", "=", owner.id);

  return {
    /** Run `fn` with a store bound to one transaction. */
    transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(createKeyStore(db));
      return (db as Kysely<Database>).transaction().execute((trx) => fn(createKeyStore(trx)));
    },

    async insert(row: NewApiKeyRow): Promise<ApiKeyRow> {
      await db.insertInto("api_keys").values(row).execute();
      return (await owned({ type: row.owner_type as OwnerRef["type"], id: row.owner_id })
        .selectAll()
        .where("id", "=", row.id)
        .executeTakeFirstOrThrow()) as ApiKeyRow;
    },

    find(owner: OwnerRef, id: string): Promise<ApiKeyRow | undefined> {
      return owned(owner).selectAll().where("id", "=", id).executeTakeFirst();
    },

    list(owner: OwnerRef, service?: string): Promise<ApiKeyRow[]> {
      let q = owned(owner).selectAll();
      if (service) q = q.where("service", "=", service);
      return q.orderBy("service").orderBy("created_at", "desc").orderBy("id").execute();
    },

    async update(owner: OwnerRef, id: string, patch: ApiKeyRowUpdate, opts = {} as { bumpVersion?: boolean }): Promise<ApiKeyRow | undefined> {
      await db
        .updateTable("api_keys")
        .set(patch)
        .$if(Boolean(opts.bumpVersion), (q) => q.set((eb) => ({ version: eb("version", "+", 1) })))
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "=", id)
        .execute();
      return owned(owner).selectAll().where("id", "=", id).executeTakeFirst();
    },

    async remove(owner: OwnerRef, id: string): Promise<boolean> {
      const res = await db
        .deleteFrom("api_keys")
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    // Leaves updated_at alone: losing the default flag must not make a key "most recently updated".
    async clearDefault(owner: OwnerRef, service: string): Promise<void> {
      await db
        .updateTable("api_keys")
        .set({ is_default: 0 })
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("service", "=", service)
        .where("is_default", "=", 1)
        .execute();
    },

    async findUsable(owner: OwnerRef, service: string, nowIso: string): Promise<UsableKeyRow | undefined> {
      handOut ??= handOutQuery(db).compile() as CompiledQuery<UsableKeyRow>;
      const values = new Map<unknown, unknown>([
        [P_OWNER_TYPE, owner.type],
        [P_OWNER_ID, owner.id],
        [P_SERVICE, service],
        [P_NOW, nowIso],
      ]);
      const parameters = handOut.parameters.map((p) => (values.has(p) ? values.get(p) : p));
      // Outside a transaction, SQLite reads synchronously on its reader connection: no async hop.
      if (opts.readOneSync && !db.isTransaction) return opts.readOneSync<UsableKeyRow>(handOut.sql, parameters);
      const result = await db.executeQuery<UsableKeyRow>({ ...handOut, parameters });
      return result.rows[0];
    },
  };
}
