/**
 * The key store's rules: format checks, encryption bound to id/owner/service/version/config,
 * custom endpoint checks, defaults, expiry, conflicts. Knows nothing of HTTP. Every call names
 * its actor and the owner it acts on: the policy (access/policy.ts) decides first, and every
 * store query is scoped by that owner as the second wall.
 */
import { randomBytes } from "node:crypto";
import type { Actor } from "../access/actor.js";
import { auditEvent } from "../audit/audit-service.js";
import type { AuditAction } from "../audit/audit-types.js";
import type { OwnerRef } from "../access/owner.js";
import { authorize } from "../access/policy.js";
import type { OwnerDataKeys } from "./data-key-store.js";
import { canonicalJson } from "../crypto/canonical-json.js";
import { DecryptionError } from "../crypto/decryption-error.js";
import { isLegacySecret, type SecretBinding } from "../crypto/secret-box.js";
import { isDefaultViolation, isUniqueViolation } from "../db/unique-violation.js";
import type { ApiKeyRow, ApiKeyRowUpdate } from "../db/schema.js";
import { conflict, notFound, validationError } from "../platform/errors.js";
import type { LookupFn } from "../platform/net/dns-lookup.js";
import { assertExternalEndpoint } from "../platform/net/endpoint-policy.js";
import { futureExpiry } from "../platform/future-expiry.js";
import { maskKeyValue, normalizeKeyValue, normalizeServiceConfig, type KeyValue } from "../services/index.js";
import type { ServiceId } from "../services/index.js";
import type { KeyStore } from "./key-store.js";
import { CURSOR_MESSAGE, type ApiKey, type ApiKeyList, type ApiKeyWithValue } from "../shared/api-schemas.js";
import { decodeCursor, encodeCursor } from "./key-cursor.js";
import { LIST_PAGE_DEFAULT } from "../shared/list-page.js";
import { expiryWindow, toApiKey } from "./key-view.js";
import type { KeyTester, KeyTestResult } from "../key-test/key-tester.js";

export interface CreateKeyInput {
  name: string;
  service: ServiceId;
  value: unknown;
  description?: string | null;
  expiresAt?: string | null;
  config?: unknown;
  isActive?: boolean;
  isDefault?: boolean;
}

export interface UpdateKeyInput {
  name?: string;
  description?: string | null;
  value?: unknown;
  isActive?: boolean;
  isDefault?: boolean;
  expiresAt?: string | null;
  config?: unknown;
}

export interface KeyServiceDeps {
  store: KeyStore;
  dataKeys: Pick<OwnerDataKeys, "encrypt" | "decrypt" | "isCached">;
  now?: () => Date;
  allowHttpHosts?: string[];
  /** How many keys one owner may store (KEYHAVEN_MAX_KEYS_PER_OWNER); unlimited when unset. */
  maxKeysPerOwner?: number;
  /** KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: a custom base URL may then point inside the network. */
  allowPrivateEndpoints?: boolean;
  /** DNS for the custom endpoint check at save (tests inject one); default: the system's. */
  lookup?: LookupFn;
}

export interface ListKeysQuery {
  service?: string;
  /** Keys per page (the route bounds it); LIST_PAGE_DEFAULT when unset. */
  limit?: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

/** What an update changed, by field name; a switch on or off says which. Never a value. */
function changeDetails(input: UpdateKeyInput): Record<string, unknown> {
  const fields = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  return { fields, ...(input.isActive !== undefined ? { isActive: input.isActive } : {}) };
}

export const newKeyId = () => `key_${randomBytes(15).toString("base64url")}`;

/** How often an update re-reads the row when another write re-sealed it in between (each round, one writer wins). */
const RESEAL_ATTEMPTS = 8;

const serialize = (value: KeyValue) => (typeof value === "string" ? value : JSON.stringify(value));
export const deserialize = (service: string, plaintext: string): KeyValue =>
  service === "aws" ? (JSON.parse(plaintext) as KeyValue) : plaintext;

export function createKeyService(deps: KeyServiceDeps) {
  const { store, dataKeys } = deps;
  const now = deps.now ?? (() => new Date());
  const configOpts = { allowHttpHosts: deps.allowHttpHosts ?? [] };
  const maxKeys = deps.maxKeysPerOwner ?? Infinity;

  /** A custom endpoint is checked when saved (literal and DNS), unless the operator allows private ones. */
  async function checkEndpoint(service: string, config: unknown): Promise<void> {
    if (service !== "custom" || deps.allowPrivateEndpoints) return;
    await assertExternalEndpoint((config as { baseUrl: string }).baseUrl, { lookup: deps.lookup });
  }

  function nameConflict(name: string, service: string) {
    return conflict(`An API key named "${name}" already exists for ${service}`);
  }

  /** Turn a UNIQUE violation into a 409 naming what collided: the name, or a racing default. */
  async function withConflictMapping<T>(name: string | undefined, service: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) {
        if (isDefaultViolation(err) || !name) throw conflict(`Another ${service} key was made the default at the same time; try again`);
        throw nameConflict(name, service);
      }
      throw err;
    }
  }

  const binding = (owner: OwnerRef, keyId: string, service: string, version: number, config: unknown): SecretBinding => ({
    keyId,
    owner,
    service,
    version,
    config,
  });
  /** The binding a stored row was sealed with: the row's own id, owner, service, version and config. */
  const rowBinding = (owner: OwnerRef, row: Pick<ApiKeyRow, "id" | "service" | "version" | "config">): SecretBinding =>
    binding(owner, row.id, row.service, row.version, JSON.parse(row.config));
  const sealedOf = (row: Pick<ApiKeyRow, "data_key_id" | "encrypted_value">) => ({
    dataKeyId: row.data_key_id,
    ciphertext: row.encrypted_value,
  });
  const listViews = new WeakMap<readonly ApiKeyRow[], { view: Readonly<ApiKeyList>; from: number; until: number }>();

  /** The audit event of `action` on a key: its id and name, never its value. */
  const keyEvent = (actor: Actor, action: AuditAction, owner: OwnerRef, key: { id: string; name: string }, details?: Record<string, unknown>) =>
    auditEvent(actor, action, { owner, target: { type: "key", id: key.id, label: key.name }, details });

  /** Reads and decrypts one key of the owner (callers have authorized the read). */
  async function openKey(owner: OwnerRef, id: string): Promise<ApiKeyWithValue> {
    const row = await store.find(owner, id);
    if (!row) throw notFound();
    const plaintext = await dataKeys.decrypt(rowBinding(owner, row), sealedOf(row));
    return { ...toApiKey(row, now()), value: deserialize(row.service, plaintext) };
  }

  /** Remember the outcome of a key test (status and message only; no secret). */
  async function recordTestResult(actor: Actor, owner: OwnerRef, key: { id: string; name: string }, result: { status: string; message: string; testedAt: string }) {
    await store.transaction(async (tx) => {
      const row = await tx.update(owner, key.id, {
        last_tested_at: result.testedAt,
        last_test_status: result.status,
        last_test_message: result.message.slice(0, 500),
      });
      if (!row) throw notFound();
      await tx.audit([keyEvent(actor, "key.test", owner, row, { status: result.status })], result.testedAt);
    });
  }

  return {
    async create(actor: Actor, owner: OwnerRef, input: CreateKeyInput): Promise<ApiKey> {
      authorize(actor, "key.create", { owner });
      const at = now();
      const value = normalizeKeyValue(input.service, input.value);
      const config = normalizeServiceConfig(input.service, input.config ?? {}, configOpts);
      const expiresAt = futureExpiry(input.expiresAt, at);
      const name = input.name.trim();
      if (!name) throw validationError("name is required", [{ path: "name", message: "is required" }]);

      await checkEndpoint(input.service, config);

      const id = newKeyId();
      const version = 1;
      const sealed = await dataKeys.encrypt(binding(owner, id, input.service, version, config), serialize(value));
      const iso = at.toISOString();
      const row = await withConflictMapping(name, input.service, () =>
        store.transaction(async (tx) => {
          // Counted under the owner's lock, in the insert's transaction: concurrent creates
          // cannot both see room for one more.
          await tx.lockOwner(owner);
          if ((await tx.count(owner)) >= maxKeys) {
            throw conflict(`You have reached the limit of ${maxKeys} API keys; delete one first`);
          }
          if (input.isDefault) await tx.clearDefault(owner, input.service);
          await tx.audit([keyEvent(actor, "key.create", owner, { id, name }, { service: input.service })], iso);
          return tx.insert({
            id,
            owner_type: owner.type,
            owner_id: owner.id,
            name,
            service: input.service,
            description: input.description?.trim() || null,
            data_key_id: sealed.dataKeyId,
            encrypted_value: sealed.ciphertext,
            masked_value: maskKeyValue(input.service, value),
            config: JSON.stringify(config),
            version,
            is_active: input.isActive === false ? 0 : 1,
            is_default: input.isDefault ? 1 : 0,
            expires_at: expiresAt,
            last_used_at: null,
            last_tested_at: null,
            last_test_status: null,
            last_test_message: null,
            created_at: iso,
            updated_at: iso,
          });
        }),
      );
      return toApiKey(row, at);
    },

    /**
     * One page of the owner's keys, and the cursor of the next page (null on the last). While the
     * store hands back the same (frozen) rows, the same frozen page is returned until the clock
     * crosses a key's expiry, so callers may memoize on identity.
     */
    async list(actor: Actor, owner: OwnerRef, query: ListKeysQuery = {}): Promise<Readonly<ApiKeyList>> {
      authorize(actor, "key.list", { owner });
      const { service, limit = LIST_PAGE_DEFAULT, cursor } = query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor, owner, service);
      if (cursor !== undefined && !after) {
        throw validationError(`Invalid request: query.cursor ${CURSOR_MESSAGE}`, [{ path: "query.cursor", message: CURSOR_MESSAGE }]);
      }
      // One row more than the page shows tells whether a next page exists.
      const rows = await store.list(owner, { service, after, limit: limit + 1 });
      const t = now().getTime();
      const memo = listViews.get(rows);
      if (memo && memo.from <= t && t < memo.until) return memo.view;
      const shown = rows.length > limit ? rows.slice(0, limit) : rows;
      const last = shown[shown.length - 1];
      const view = Object.freeze({
        apiKeys: Object.freeze(shown.map((r) => toApiKey(r, new Date(t)))) as ApiKey[],
        nextCursor: rows.length > limit ? encodeCursor(owner, service, last) : null,
      });
      if (Object.isFrozen(rows)) listViews.set(rows, { view, ...expiryWindow(shown, t) });
      return view;
    },

    async get(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKey> {
      authorize(actor, "key.read", { owner, keyId: id });
      const row = await store.find(owner, id);
      if (!row) throw notFound();
      return toApiKey(row, now());
    },

    /** The key with its decrypted value: only for an explicit reveal, which is recorded. */
    async reveal(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKeyWithValue> {
      authorize(actor, "key.reveal", { owner, keyId: id });
      const key = await openKey(owner, id);
      // Committed before the value is returned: if the event cannot be written, nothing leaves.
      await store.transaction((tx) => tx.audit([keyEvent(actor, "key.reveal", owner, key)], now().toISOString()));
      return key;
    },

    /**
     * Sends a saved key to its provider (the value goes to the tester, never back to the caller)
     * and remembers the outcome on the key.
     */
    async test(actor: Actor, owner: OwnerRef, id: string, tester: KeyTester): Promise<KeyTestResult & { keyId: string }> {
      authorize(actor, "key.test", { owner, keyId: id });
      const key = await openKey(owner, id);
      const outcome = await tester.testKey(key.service, key.value, key.config);
      await recordTestResult(actor, owner, key, outcome);
      return { keyId: key.id, ...outcome };
    },

    /**
     * Sends a value the caller holds (not saved yet) to its provider. Nothing stored is read,
     * but it is still a key test on the owner's behalf: a token needs its keys:write scope.
     */
    async testValue(
      actor: Actor,
      owner: OwnerRef,
      input: { service: ServiceId; value: unknown; config?: unknown },
      tester: KeyTester,
    ): Promise<KeyTestResult & { keyId: null }> {
      authorize(actor, "key.test", { owner });
      return { keyId: null, ...(await tester.testKey(input.service, input.value, input.config ?? {})) };
    },

    /**
     * Changes what `input` names. A new value, a changed config or a `kh1` secret means a new
     * seal: the secret (new, or the stored one opened with the row's binding) is encrypted for
     * the next version and the new config, and written with them in one UPDATE that only
     * applies while the row still has the version it was read at; if another write came first,
     * the row is read again. (Sealing happens before the write's transaction because a first
     * data key is created on the main connection, which a SQLite transaction holds.)
     */
    async update(actor: Actor, owner: OwnerRef, id: string, input: UpdateKeyInput): Promise<ApiKey> {
      authorize(actor, "key.update", { owner, keyId: id });
      if ("service" in (input as object)) {
        throw validationError("service cannot be changed; create a new key instead", [{ path: "service", message: "cannot be changed" }]);
      }
      const at = now();
      const iso = at.toISOString();
      let current = await store.find(owner, id);
      if (!current) throw notFound();
      const service = current.service as ServiceId;

      const patch: ApiKeyRowUpdate = { updated_at: iso };
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (!name) throw validationError("name is required", [{ path: "name", message: "is required" }]);
        patch.name = name;
      }
      if (input.description !== undefined) patch.description = input.description?.trim() || null;
      if (input.isActive !== undefined) patch.is_active = input.isActive ? 1 : 0;
      if (input.isDefault !== undefined) patch.is_default = input.isDefault ? 1 : 0;
      if (input.expiresAt !== undefined) patch.expires_at = futureExpiry(input.expiresAt, at);
      const config = input.config !== undefined ? normalizeServiceConfig(service, input.config, configOpts) : undefined;
      if (config !== undefined) await checkEndpoint(service, config);
      const value = input.value !== undefined ? normalizeKeyValue(service, input.value) : undefined;
      if (value !== undefined) patch.masked_value = maskKeyValue(service, value);
      if (config !== undefined) patch.config = JSON.stringify(config);

      for (let attempt = 1; ; attempt++) {
        const storedConfig: unknown = JSON.parse(current.config);
        const configChanged = config !== undefined && canonicalJson(config) !== canonicalJson(storedConfig);
        const mustReseal = value !== undefined || configChanged;
        // A kh1 row is re-sealed by any update, but only if it opens: a broken secret must not
        // stop its owner from switching the key off or renaming it.
        const plaintext =
          value !== undefined
            ? serialize(value)
            : mustReseal || isLegacySecret(current.encrypted_value)
              ? await dataKeys.decrypt(rowBinding(owner, current), sealedOf(current)).catch((err: unknown) => {
                  if (mustReseal || !(err instanceof DecryptionError)) throw err;
                  return undefined;
                })
              : undefined;
        // Built afresh each attempt: a seal from an attempt that lost must never be written.
        const write: ApiKeyRowUpdate = { ...patch };
        // Writing a config (even an equal one) must also be compare-and-set: written over a row
        // that another update re-sealed meanwhile, it would no longer match its secret's binding.
        let ifVersion = config !== undefined ? current.version : undefined;
        if (plaintext !== undefined) {
          const version = current.version + 1;
          const sealed = await dataKeys.encrypt(binding(owner, id, service, version, config ?? storedConfig), plaintext);
          Object.assign(write, { data_key_id: sealed.dataKeyId, encrypted_value: sealed.ciphertext, version });
          ifVersion = current.version;
        }
        const row = await withConflictMapping(patch.name, service, () =>
          store.transaction(async (tx) => {
            if (input.isDefault) await tx.clearDefault(owner, service);
            const updated = await tx.update(owner, id, write, { ifVersion });
            if (updated) await tx.audit([keyEvent(actor, "key.update", owner, updated, changeDetails(input))], iso);
            return updated;
          }),
        );
        if (row) return toApiKey(row, at);
        current = await store.find(owner, id);
        if (!current) throw notFound();
        if (attempt >= RESEAL_ATTEMPTS) throw conflict("The key was changed at the same time; try again");
      }
    },

    /**
     * Seals a `kh1` secret again in the current format (binding config and version), leaving
     * every other field, updated_at included, as it is. False when there was nothing to do.
     */
    async resealLegacy(actor: Actor, owner: OwnerRef, id: string): Promise<boolean> {
      authorize(actor, "key.reseal", { owner, keyId: id });
      for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
        const current = await store.find(owner, id);
        if (!current || !isLegacySecret(current.encrypted_value)) return false;
        const binding = rowBinding(owner, current);
        const plaintext = await dataKeys.decrypt(binding, sealedOf(current));
        const version = current.version + 1;
        const sealed = await dataKeys.encrypt({ ...binding, version }, plaintext);
        const patch = { data_key_id: sealed.dataKeyId, encrypted_value: sealed.ciphertext, version };
        if (await store.update(owner, id, patch, { ifVersion: current.version })) return true;
      }
      throw conflict("The key was changed at the same time; try again");
    },

    async remove(actor: Actor, owner: OwnerRef, id: string): Promise<void> {
      authorize(actor, "key.delete", { owner, keyId: id });
      await store.transaction(async (tx) => {
        const row = await tx.find(owner, id);
        if (!row || !(await tx.remove(owner, id))) throw notFound();
        await tx.audit([keyEvent(actor, "key.delete", owner, row, { service: row.service })], now().toISOString());
      });
    },

    /** The value to hand out for (owner, service), or undefined. No row cache: one indexed query. */
    async findUsableKey(
      actor: Actor,
      owner: OwnerRef,
      service: ServiceId,
    ): Promise<{ id: string; value: KeyValue; config: Record<string, unknown> } | undefined> {
      authorize(actor, "key.use", { owner });
      // An owner whose data key is not cached gets the wrapped key in the same query.
      const row = await store.findUsable(owner, service, now().toISOString(), !dataKeys.isCached(owner));
      if (!row) return undefined;
      // The config handed out is the one the secret is bound to: an edited one fails to decrypt.
      const config = JSON.parse(row.config) as Record<string, unknown>;
      // A data key not cached came with the row: an unwrap, not a second query.
      const sealed = { dataKeyId: row.data_key_id, ciphertext: row.encrypted_value, wrappedKey: row.wrapped_key };
      const plaintext = await dataKeys.decrypt(binding(owner, row.id, row.service, row.version, config), sealed);
      return { id: row.id, value: deserialize(row.service, plaintext), config };
    },

    /**
     * A key with its value, for the provider calls of an automatic rotation (the AWS retirement
     * sweeper signs DeleteAccessKey with it). Not a reveal: the value goes to the provider only.
     */
    async openForRotation(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKeyWithValue> {
      authorize(actor, "key.rotate", { owner, keyId: id });
      return openKey(owner, id);
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
