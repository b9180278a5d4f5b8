/**
 * What the rotation tests store: many owners at once (one data key and one openai key each,
 * sealed exactly as data-key-store and key-service seal them), and kept versions — a key's
 * value copied into `api_key_versions` before the value changes, as the version history keeps it.
 */
import { randomBytes } from "node:crypto";
import type { Runtime } from "../../src/app/compose.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { generateDataKey, wrapDataKey } from "../../src/crypto/data-key.js";
import { encryptSecret } from "../../src/crypto/secret-box.js";
import type { Insertable } from "kysely";
import type { DataKeysTable, NewApiKeyRow } from "../../src/db/schema.js";
import { actorFor } from "../support/actors.js";

export interface SeededOwner {
  owner: OwnerRef;
  keyId: string;
  dataKeyId: string;
  value: string;
}

export const openaiValue = () => `sk-proj-${randomBytes(30).toString("base64url")}`;

/** `count` owners, each with a data key (under the runtime's current master key) and one openai key. */
export async function seedOwners(rt: Runtime, count: number, prefix = "user_rot"): Promise<SeededOwner[]> {
  const at = new Date().toISOString();
  const seeded: SeededOwner[] = [];
  const CHUNK = 500;
  for (let start = 0; start < count; start += CHUNK) {
    const dataKeys: Insertable<DataKeysTable>[] = [];
    const apiKeys: NewApiKeyRow[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const owner: OwnerRef = { type: "user", id: `${prefix}_${String(i).padStart(6, "0")}` };
      const dek = generateDataKey();
      const dataKeyId = `dek_${randomBytes(12).toString("base64url")}`;
      const keyId = `key_${randomBytes(15).toString("base64url")}`;
      const value = openaiValue();
      dataKeys.push({ id: dataKeyId, owner_type: owner.type, owner_id: owner.id, generation: 1, kek_version: rt.keyring.currentVersion, wrapped_key: wrapDataKey(rt.keyring, owner, dek), created_at: at });
      apiKeys.push({
        id: keyId,
        owner_type: owner.type,
        owner_id: owner.id,
        name: "openai",
        service: "openai",
        description: null,
        data_key_id: dataKeyId,
        encrypted_value: encryptSecret(dek, { keyId, owner, service: "openai", version: 1, config: {} }, value),
        masked_value: "sk-…",
        config: "{}",
        is_active: 1,
        is_default: 1,
        expires_at: null,
        created_at: at,
        updated_at: at,
      });
      seeded.push({ owner, keyId, dataKeyId, value });
    }
    await rt.database.db.transaction().execute(async (trx) => {
      await trx.insertInto("data_keys").values(dataKeys).execute();
      await trx.insertInto("api_keys").values(apiKeys).execute();
    });
  }
  return seeded;
}

/** Gives the key a new value through the key service, which keeps the current one as a version. */
export async function keepVersionAndChange(rt: Runtime, owner: OwnerRef, keyId: string, newValue: string): Promise<void> {
  await rt.keys.update(actorFor(owner), owner, keyId, { value: newValue });
}

/** Each (data key id, ciphertext) of an owner's rows, current and kept, to see what moved. */
export async function ownerRows(rt: Runtime, owner: OwnerRef) {
  const db = rt.database.db;
  const current = await db
    .selectFrom("api_keys")
    .select(["id", "data_key_id", "encrypted_value", "version", "updated_at"])
    .where("owner_type", "=", owner.type)
    .where("owner_id", "=", owner.id)
    .orderBy("id")
    .execute();
  const kept = await db
    .selectFrom("api_key_versions as v")
    .innerJoin("api_keys as k", "k.id", "v.key_id")
    .select(["v.key_id", "v.version", "v.data_key_id", "v.encrypted_value"])
    .where("k.owner_type", "=", owner.type)
    .where("k.owner_id", "=", owner.id)
    .orderBy("v.key_id")
    .orderBy("v.version")
    .execute();
  const dataKeys = await db
    .selectFrom("data_keys")
    .select(["id", "generation", "kek_version"])
    .where("owner_type", "=", owner.type)
    .where("owner_id", "=", owner.id)
    .orderBy("generation")
    .execute();
  return { current, kept, dataKeys };
}
