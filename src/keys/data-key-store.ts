/**
 * Per-owner data keys (DEKs) backed by the `data_keys` table. Unwrapped DEKs are cached:
 * they are immutable, so caching them can never hand out something that changed elsewhere.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { DecryptionError } from "../crypto/decryption-error.js";
import { generateDataKey, unwrapDataKey, wrapDataKey } from "../crypto/data-key.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { OwnerRef } from "../access/owner.js";
import { decryptSecret, encryptSecret, type SecretBinding } from "../crypto/secret-box.js";
import { setBounded } from "../platform/bounded-map.js";

interface CachedDek {
  ownerType: string;
  ownerId: string;
  dek: Buffer;
}

/**
 * Unwrapped data keys kept (LRU; one per owner in practice). Measured on Node 20 with 200,000
 * entries: ~410 bytes of heap + external memory per entry (the key, its two ids, two Map
 * entries), 0.6–0.8 KB of RSS; so 50,000 owners — the active owners of a large self-hosted
 * deployment — cost ~20–40 MiB at most, and only once that many owners were served. Beyond it a
 * hand-out costs one unwrap (its query brings the wrapped key), not an extra query, so a larger
 * cache would buy little. Each key gets its own 32-byte allocation: the unwrap's result is a
 * slice of Node's shared 8 KiB buffer pool, and keeping it would keep the pool's other bytes
 * alive too (~690 bytes of heap + external per entry that way).
 */
export const DATA_KEY_CACHE_SIZE = 50_000;

/**
 * Secrets already opened, by everything their opening depended on: the data key's id, the exact
 * ciphertext and every field of the binding. Any change to the row — a byte of the ciphertext,
 * its config, version, owner or service — is another entry, so it is opened (and checked) anew;
 * and an entry is used only while its data key is cached too. Opening costs an AES-GCM
 * decryption and a digest of the config, about a tenth of a gateway request's CPU; the data keys
 * kept beside these could open every one of them anyway.
 */
export const OPENED_SECRET_CACHE_SIZE = 10_000;

const ownerKeyOf = (owner: OwnerRef) => `${owner.type}:${owner.id}`;
const openedKeyOf = (binding: SecretBinding, sealed: SealedSecret) =>
  JSON.stringify([sealed.dataKeyId, sealed.ciphertext, binding.keyId, binding.owner.type, binding.owner.id, binding.service, binding.version, binding.config]);

export interface SealedSecret {
  dataKeyId: string;
  ciphertext: string;
  /**
   * The owner's wrapped data key `dataKeyId` names, when it was read with the secret (the
   * hand-out's query): null when the owner has no data key of that id. Absent: read it by id.
   */
  wrappedKey?: string | null;
}

export interface OwnerDataKeys {
  /** Encrypt a secret under its owner's data key (created on first use). */
  encrypt(binding: SecretBinding, plaintext: string): Promise<SealedSecret>;
  /**
   * Decrypt with the owner's data key: cached after its first unwrap; on a miss unwrapped from
   * `sealed.wrappedKey` when given, else read by id (and owner).
   */
  decrypt(binding: SecretBinding, sealed: SealedSecret): Promise<string>;
  /** Whether a data key of this owner is cached (the hand-out then reads no wrapped key). */
  isCached(owner: OwnerRef): boolean;
}

export function createOwnerDataKeys(deps: { db: Kysely<Database>; keyring: MasterKeyring; cacheSize?: number }): OwnerDataKeys {
  const { db, keyring } = deps;
  const cacheSize = deps.cacheSize ?? DATA_KEY_CACHE_SIZE;
  const byId = new Map<string, CachedDek>();
  const idByOwner = new Map<string, string>();
  const opened = new Map<string, string>();

  function remember(id: string, owner: OwnerRef, dek: Buffer) {
    if (byId.size >= cacheSize) {
      // Map keeps insertion order: drop the oldest entry (LRU-ish; hits re-insert below).
      const oldest = byId.keys().next().value as string;
      const evicted = byId.get(oldest)!;
      byId.delete(oldest);
      const evictedOwner = ownerKeyOf({ type: evicted.ownerType as OwnerRef["type"], id: evicted.ownerId });
      if (idByOwner.get(evictedOwner) === oldest) idByOwner.delete(evictedOwner);
    }
    byId.set(id, { ownerType: owner.type, ownerId: owner.id, dek });
    idByOwner.set(ownerKeyOf(owner), id);
  }

  /** The unwrapped key from the cache, checked against its owner; undefined on a miss. */
  function cachedDek(owner: OwnerRef, id: string): Buffer | undefined {
    const hit = byId.get(id);
    if (!hit) return undefined;
    if (hit.ownerId !== owner.id || hit.ownerType !== owner.type) throw new DecryptionError();
    byId.delete(id);
    byId.set(id, hit);
    return hit.dek;
  }

  /** Unwraps a key read together with its owner and id, and caches it. */
  function unwrapped(owner: OwnerRef, id: string, wrapped: string): Buffer {
    const raw = unwrapDataKey(keyring, owner, wrapped);
    const dek = Buffer.allocUnsafeSlow(raw.length);
    raw.copy(dek);
    raw.fill(0); // the pooled copy is not left behind
    remember(id, owner, dek);
    return dek;
  }

  async function dekFor(owner: OwnerRef, id: string, wrappedKey?: string): Promise<Buffer> {
    const hit = cachedDek(owner, id);
    if (hit) return hit;
    let wrapped = wrappedKey;
    if (wrapped === undefined) {
      const row = await db
        .selectFrom("data_keys")
        .select("wrapped_key")
        .where("id", "=", id)
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .executeTakeFirst();
      if (!row) throw new DecryptionError();
      wrapped = row.wrapped_key;
    }
    return unwrapped(owner, id, wrapped);
  }

  /**
   * The owner's newest data key. Which one that is, is asked of the database on every encrypt
   * (writes are rare; the hand-out never encrypts): after `keyhaven rotate-data-key` — run in
   * another process — new secrets must go under the new generation at once, or the old data key
   * could never be retired. The unwrapped key itself still comes from the cache.
   */
  async function currentDataKey(owner: OwnerRef): Promise<{ id: string; dek: Buffer }> {
    const existing = await db
      .selectFrom("data_keys")
      .select(["id", "wrapped_key"])
      .where("owner_type", "=", owner.type)
      .where("owner_id", "=", owner.id)
      .orderBy("generation", "desc")
      .limit(1)
      .executeTakeFirst();
    if (existing) return { id: existing.id, dek: await dekFor(owner, existing.id, existing.wrapped_key) };

    const dek = generateDataKey();
    const id = `dek_${randomBytes(12).toString("base64url")}`;
    await db
      .insertInto("data_keys")
      .values({
        id,
        owner_type: owner.type,
        owner_id: owner.id,
        generation: 1,
        kek_version: keyring.currentVersion,
        wrapped_key: wrapDataKey(keyring, owner, dek),
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(["owner_type", "owner_id", "generation"]).doNothing())
      .execute();
    // A concurrent first write may have won: use whichever key is stored.
    return currentDataKey(owner);
  }

  return {
    async encrypt(binding, plaintext) {
      const { id, dek } = await currentDataKey(binding.owner);
      return { dataKeyId: id, ciphertext: encryptSecret(dek, binding, plaintext) };
    },
    async decrypt(binding, sealed) {
      const { owner } = binding;
      const { dataKeyId, wrappedKey } = sealed;
      // A hit, or a miss with the wrapped key at hand (the hand-out), needs no await.
      let dek = cachedDek(owner, dataKeyId);
      const openedKey = openedKeyOf(binding, sealed);
      if (dek) {
        const hit = opened.get(openedKey);
        if (hit !== undefined) return hit;
      } else {
        if (wrappedKey === null) throw new DecryptionError();
        dek = wrappedKey === undefined ? await dekFor(owner, dataKeyId) : unwrapped(owner, dataKeyId, wrappedKey);
      }
      const plaintext = decryptSecret(dek, binding, sealed.ciphertext);
      setBounded(opened, openedKey, plaintext, OPENED_SECRET_CACHE_SIZE);
      return plaintext;
    },
    isCached: (owner) => idByOwner.has(ownerKeyOf(owner)),
  };
}
