/**
 * The key store's rules: format checks, encryption bound to id/owner/service/version/config,
 * custom endpoint checks, defaults, expiry, conflicts. Knows nothing of HTTP. Every call names
 * its actor and the owner it acts on: the policy (access/policy.ts) decides first, and every
 * store query is scoped by that owner as the second wall.
 */
import { randomBytes } from "node:crypto";
import { ROTATION_ACTOR, type Actor } from "../access/actor.js";
import { auditActor, auditEvent } from "../audit/audit-service.js";
import type { AuditAction } from "../audit/audit-types.js";
import type { OwnerRef } from "../access/owner.js";
import { authorize, type Action } from "../access/policy.js";
import type { Sharing, TeamRole } from "../shared/team-roles.js";
import type { Limits } from "../shared/limits.js";
import type { OwnerDataKeys } from "./data-key-store.js";
import { canonicalJson } from "../crypto/canonical-json.js";
import { DecryptionError } from "../crypto/decryption-error.js";
import { isLegacySecret, type SecretBinding } from "../crypto/secret-box.js";
import { isDefaultViolation, isUniqueViolation } from "../db/unique-violation.js";
import type { ApiKeyRow, ApiKeyRowUpdate } from "../db/schema.js";
import { AppError, conflict, notFound, validationError } from "../platform/errors.js";
import type { LookupFn } from "../platform/net/dns-lookup.js";
import { assertExternalEndpoint } from "../platform/net/endpoint-policy.js";
import { futureExpiry } from "../platform/future-expiry.js";
import { getService, maskKeyValue, normalizeKeyValue, normalizeServiceConfig, SERVICE_IDS, type KeyValue } from "../services/index.js";
import type { ServiceId } from "../services/index.js";
import type { KeyStore } from "./key-store.js";
import { CURSOR_MESSAGE, type ApiKey, type ApiKeyList, type ApiKeyWithValue, type KeyVersionList } from "../shared/api-schemas.js";
import { KEY_VERSIONS_KEPT, ROTATION_EVERY_DAYS_MAX, ROTATION_EVERY_DAYS_MIN, rotationDueAt } from "../shared/rotation.js";
import type { AutomaticRotationContext, AutomaticRotator } from "../rotation/automatic-rotation.js";
import { decodeCursor, encodeCursor } from "./key-cursor.js";
import { currentBinding, versionBinding } from "./secret-binding.js";
import { LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from "../shared/list-page.js";
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
  /** For a team's key: what its members may do with it (default "use"). */
  sharing?: Sharing;
  /** The rotation period in days (an imported key keeps its own); none when absent or null. */
  rotation?: { everyDays: number | null };
}

export interface UpdateKeyInput {
  name?: string;
  description?: string | null;
  value?: unknown;
  isActive?: boolean;
  isDefault?: boolean;
  expiresAt?: string | null;
  config?: unknown;
  /** The rotation period in days; null clears it. */
  rotation?: { everyDays: number | null };
  /** Gateway limits (budget, requests and tokens per minute); null clears them. */
  limits?: Limits | null;
}

/** A rotation: a new value the caller holds (tested first), or one the provider mints. */
export type RotateKeyInput = { value: unknown } | { automatic: true };

/** What one run of the scheduler did; failures name the key and say why (never a secret). */
export interface DueRotationReport {
  rotated: string[];
  failed: { keyId: string; message: string }[];
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
  /** Rotates keys of services whose provider can mint keys (AWS); absent: no automatic rotation. */
  automaticRotator?: AutomaticRotator;
  /** The actor's role in a team that owns keys (teams/team-service.ts); absent: no team has keys here. */
  teamRoles?: { teamRoleFor(actor: Actor, owner: OwnerRef): Promise<TeamRole | null | undefined> };
  /** Where a key's gateway limits are kept (limits/spend-limits.ts); absent: limits cannot be set. */
  limits?: { set(subject: { kind: "key"; id: string }, limits: Limits | null): Promise<void>; get(subject: { kind: "key"; id: string }): Promise<Limits | null> };
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
  return {
    fields,
    ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
    ...(input.rotation !== undefined ? { rotationEveryDays: input.rotation.everyDays } : {}),
  };
}

/** The event detail of a step: the rotator's words, bounded, never the key. */
const clipDetail = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

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
  const rowBinding = (owner: OwnerRef, row: Pick<ApiKeyRow, "id" | "service" | "version" | "config">): SecretBinding => currentBinding(owner, row);
  const sealedOf = (row: Pick<ApiKeyRow, "data_key_id" | "encrypted_value">) => ({
    dataKeyId: row.data_key_id,
    ciphertext: row.encrypted_value,
  });
  /**
   * Asks the policy, with what it needs for a team's key: the actor's role in the team now (one
   * indexed read, never cached) and, for one key, how it is shared. A person (or personal token)
   * who is not a member gets NOT_FOUND, as for another user's key.
   */
  async function allow(actor: Actor, action: Action, owner: OwnerRef, keyId?: string): Promise<void> {
    if (owner.type !== "team" || actor.type === "system") {
      authorize(actor, action, { owner, keyId });
      return;
    }
    const teamRole = (await deps.teamRoles?.teamRoleFor(actor, owner)) ?? null;
    let sharing: Sharing | null = null;
    if (keyId !== undefined && teamRole !== null) {
      const row = await store.find(owner, keyId);
      if (!row) throw notFound();
      sharing = (row.sharing as Sharing | null) ?? "use";
    }
    authorize(actor, action, { owner, keyId, teamRole, sharing });
  }

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

  /** The fields that go with a new current value: when and by whom it was set, and the next due date. */
  const newValueFields = (actor: Actor, current: Pick<ApiKeyRow, "rotation_every_days">, iso: string, everyDays = current.rotation_every_days) => ({
    last_rotated_at: iso,
    value_created_by: auditActor(actor).label,
    rotation_due_at: rotationDueAt(everyDays, iso),
  });

  /**
   * Inside the transaction that replaced `replaced` (matched by its version): its value is kept
   * as a version, ciphertext untouched (it stays bound to its own version and config), and only
   * the newest KEY_VERSIONS_KEPT - 1 previous values stay.
   */
  async function keepAsVersion(tx: KeyStore, replaced: ApiKeyRow, iso: string): Promise<void> {
    await tx.insertVersion({
      key_id: replaced.id,
      version: replaced.version,
      data_key_id: replaced.data_key_id,
      encrypted_value: replaced.encrypted_value,
      config: replaced.config,
      masked_value: replaced.masked_value,
      created_at: replaced.last_rotated_at ?? replaced.created_at,
      created_by: replaced.value_created_by,
      retired_at: iso,
    });
    await tx.pruneVersions(replaced.id, KEY_VERSIONS_KEPT - 1);
  }

  /**
   * Makes `plaintext` the key's value as a new version, sealed for the key's config, the old
   * value kept as a version, in one transaction with its audit event. With `ifVersion` the
   * value must still be that version's (an automatic rotation switches only the key it started
   * from); without, a write that came first is read again and the new value sealed for it.
   */
  async function replaceValue(
    actor: Actor,
    owner: OwnerRef,
    id: string,
    next: { plaintext: string; masked: string },
    opts: {
      action: "key.rotate" | "key.rollback";
      details: Record<string, unknown>;
      ifVersion?: number;
      test?: { status: string; message: string; testedAt: string };
    },
  ): Promise<ApiKeyRow> {
    for (let attempt = 1; ; attempt++) {
      const current = await store.find(owner, id);
      if (!current) throw notFound();
      if (opts.ifVersion !== undefined && current.version !== opts.ifVersion) {
        throw conflict("The key's value was changed while it was being rotated; nothing was switched");
      }
      const iso = now().toISOString();
      const version = current.version + 1;
      const sealed = await dataKeys.encrypt(rowBinding(owner, { ...current, version }), next.plaintext);
      const write: ApiKeyRowUpdate = {
        data_key_id: sealed.dataKeyId,
        encrypted_value: sealed.ciphertext,
        masked_value: next.masked,
        version,
        updated_at: iso,
        ...newValueFields(actor, current, iso),
        ...(opts.test
          ? { last_tested_at: opts.test.testedAt, last_test_status: opts.test.status, last_test_message: opts.test.message.slice(0, 500) }
          : {}),
      };
      const row = await store.transaction(async (tx) => {
        const updated = await tx.update(owner, id, write, { ifVersion: current.version });
        if (!updated) return undefined;
        await keepAsVersion(tx, current, iso);
        const details = { ...opts.details, version, previousVersion: current.version };
        await tx.audit([keyEvent(actor, opts.action, owner, updated, details)], iso);
        return updated;
      });
      if (row) return row;
      if (opts.ifVersion !== undefined) throw conflict("The key's value was changed while it was being rotated; nothing was switched");
      if (attempt >= RESEAL_ATTEMPTS) throw conflict("The key was changed at the same time; try again");
    }
  }

  /**
   * Lets the rotator replace the key: it mints and checks a new value with the provider, calls
   * `switchTo` (the manual path's switch), and records each step. A failure anywhere leaves the
   * value that was current, and the error names the failed step.
   */
  async function rotateAutomatically(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKey> {
    await allow(actor, "key.rotate", owner, id);
    const row = await store.find(owner, id);
    if (!row) throw notFound();
    const rotator = deps.automaticRotator;
    if (!rotator?.supports(row.service)) {
      const label = getService(row.service as ServiceId).label;
      throw validationError(
        `${label} keys cannot be rotated automatically: the provider offers no API to create keys. Create a new key with ${label} and paste it in the rotate dialog (POST /api/api-keys/${id}/rotate with { "value": … }).`,
        [{ path: "automatic", message: `not available for ${row.service}` }],
      );
    }
    const config = JSON.parse(row.config) as unknown;
    const current = deserialize(row.service, await dataKeys.decrypt(rowBinding(owner, row), sealedOf(row)));
    const stepEvent = (details: Record<string, unknown>) =>
      store.transaction((tx) => tx.audit([keyEvent(actor, "key.rotate", owner, row, { automatic: true, ...details })], now().toISOString()));
    let switched = false;
    let failedStep: string | undefined;
    const ctx: AutomaticRotationContext = {
      keyId: id,
      service: row.service,
      config,
      current,
      async switchTo(next: KeyValue) {
        if (switched) throw new Error("switchTo called twice");
        const value = normalizeKeyValue(row.service as ServiceId, next);
        await replaceValue(actor, owner, id, { plaintext: serialize(value), masked: maskKeyValue(row.service as ServiceId, value) }, {
          action: "key.rotate",
          details: { automatic: true, step: "switch", outcome: "ok" },
          ifVersion: row.version,
        });
        switched = true;
      },
      async step(name, outcome, details = {}) {
        if (outcome === "failed") failedStep ??= name;
        // switchTo wrote the switch's event in its own transaction: one `switch` row per rotation.
        if (name === "switch" && outcome === "ok" && switched) return;
        await stepEvent({ ...details, step: name, outcome });
      },
    };
    try {
      await rotator.rotate(ctx);
    } catch (err) {
      // A rotator that failed without saying where: the log still gets one failed step.
      if (failedStep === undefined) {
        const message = err instanceof AppError ? clipDetail(err.message) : "unexpected error";
        await stepEvent({ step: "rotation", outcome: "failed", message });
      }
      if (err instanceof AppError) throw err;
      throw new AppError("INTERNAL", `Automatic rotation failed${failedStep ? ` at step "${failedStep}"` : ""}; the key in use was not changed`);
    }
    if (!switched) throw new AppError("INTERNAL", "Automatic rotation ended without a new key; the key in use was not changed");
    const updated = await store.find(owner, id);
    if (!updated) throw notFound();
    return toApiKey(updated, now());
  }

  /**
   * The checks a new key passes before anything is sealed: value format, config, custom
   * endpoint, expiry in the future, a name, sharing only for a team, a rotation period in range.
   */
  async function checkNewKey(owner: OwnerRef, input: CreateKeyInput, at: Date) {
    const value = normalizeKeyValue(input.service, input.value);
    const config = normalizeServiceConfig(input.service, input.config ?? {}, configOpts);
    const expiresAt = futureExpiry(input.expiresAt, at);
    const name = input.name.trim();
    if (!name) throw validationError("name is required", [{ path: "name", message: "is required" }]);
    if (owner.type !== "team" && input.sharing !== undefined) {
      throw validationError("sharing is for team keys: send teamId too", [{ path: "sharing", message: "needs teamId" }]);
    }
    const everyDays = input.rotation?.everyDays ?? null;
    if (everyDays !== null && (!Number.isInteger(everyDays) || everyDays < ROTATION_EVERY_DAYS_MIN || everyDays > ROTATION_EVERY_DAYS_MAX)) {
      throw validationError(`rotation period must be ${ROTATION_EVERY_DAYS_MIN} to ${ROTATION_EVERY_DAYS_MAX} days`, [
        { path: "rotation.everyDays", message: "is out of range" },
      ]);
    }
    await checkEndpoint(input.service, config);
    return { value, config, expiresAt, name };
  }

  /** Every row of the owner's keys, in list order, a page at a time. */
  async function allRows(owner: OwnerRef): Promise<ApiKeyRow[]> {
    const rows: ApiKeyRow[] = [];
    for (let after: ApiKeyRow | undefined; ; ) {
      const page = await store.list(owner, { after, limit: LIST_PAGE_MAX });
      rows.push(...page);
      if (page.length < LIST_PAGE_MAX) return rows;
      after = page[page.length - 1];
    }
  }

  return {
    /**
     * Asks the policy whether the actor may do `action` on the owner's keys (for a team: with
     * their role now), or on key `keyId` of theirs: then with how a team key is shared, and a
     * non-member's refusal is the missing key's. Routes call it before spending a rate-limit
     * budget on a refused caller.
     */
    check: (actor: Actor, action: Action, owner: OwnerRef, keyId?: string): Promise<void> => allow(actor, action, owner, keyId),

    async create(actor: Actor, owner: OwnerRef, input: CreateKeyInput): Promise<ApiKey> {
      await allow(actor, "key.create", owner);
      const at = now();
      const { value, config, expiresAt, name } = await checkNewKey(owner, input, at);
      const everyDays = input.rotation?.everyDays ?? null;

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
          await tx.audit(
            [keyEvent(actor, "key.create", owner, { id, name }, { service: input.service, ...(owner.type === "team" ? { sharing: input.sharing ?? "use" } : {}) })],
            iso,
          );
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
            value_created_by: auditActor(actor).label,
            sharing: owner.type === "team" ? (input.sharing ?? "use") : null,
            ...(everyDays !== null ? { rotation_every_days: everyDays, rotation_due_at: rotationDueAt(everyDays, iso) } : {}),
          });
        }),
      );
      return toApiKey(row, at);
    },

    /**
     * Whether `create` would accept `input` for the owner, without writing anything (an import's
     * preview). The key limit and a name taken meanwhile are only known when it is written.
     */
    async checkCreate(actor: Actor, owner: OwnerRef, input: CreateKeyInput): Promise<void> {
      await allow(actor, "key.create", owner);
      await checkNewKey(owner, input, now());
    },

    /** The service, name and default flag of every key of the owner: what an import compares against. */
    async keyNames(actor: Actor, owner: OwnerRef): Promise<{ service: string; name: string; isDefault: boolean }[]> {
      // Asked as a create: a name taken is what a create's 409 says anyway, so keys:write suffices.
      await allow(actor, "key.create", owner);
      return (await allRows(owner)).map((r) => ({ service: r.service, name: r.name, isDefault: r.is_default === 1 }));
    },

    /**
     * Every key of the owner with its value, for an export file: only for whoever may reveal
     * them (a team's owners and admins, a token with keys:reveal). One `event` (the export's,
     * with the count) is committed before anything is returned: if it cannot be written,
     * nothing leaves.
     */
    async revealAll(
      actor: Actor,
      owner: OwnerRef,
      event: (count: number) => { action: AuditAction; details: Record<string, unknown> },
    ): Promise<ApiKeyWithValue[]> {
      await allow(actor, "key.reveal", owner);
      const rows = await allRows(owner);
      const at = now();
      const keys: ApiKeyWithValue[] = [];
      for (const row of rows) {
        const plaintext = await dataKeys.decrypt(rowBinding(owner, row), sealedOf(row));
        keys.push({ ...toApiKey(row, at), value: deserialize(row.service, plaintext) });
      }
      const { action, details } = event(keys.length);
      await store.transaction((tx) => tx.audit([auditEvent(actor, action, { owner, details })], now().toISOString()));
      return keys;
    },

    /**
     * One page of the owner's keys, and the cursor of the next page (null on the last). While the
     * store hands back the same (frozen) rows, the same frozen page is returned until the clock
     * crosses a key's expiry, so callers may memoize on identity.
     */
    async list(actor: Actor, owner: OwnerRef, query: ListKeysQuery = {}): Promise<Readonly<ApiKeyList>> {
      await allow(actor, "key.list", owner);
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
      await allow(actor, "key.read", owner, id);
      const row = await store.find(owner, id);
      if (!row) throw notFound();
      const limits = deps.limits ? await deps.limits.get({ kind: "key", id }) : null;
      return { ...toApiKey(row, now()), limits };
    },

    /** The key with its decrypted value: only for an explicit reveal, which is recorded. */
    async reveal(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKeyWithValue> {
      await allow(actor, "key.reveal", owner, id);
      const key = await openKey(owner, id);
      // Committed before the value is returned: if the event cannot be written, nothing leaves.
      await store.transaction((tx) => tx.audit([keyEvent(actor, "key.reveal", owner, key)], now().toISOString()));
      // The same fields as GET without the value: its limits too.
      const limits = deps.limits ? await deps.limits.get({ kind: "key", id }) : null;
      return { ...key, limits };
    },

    /**
     * Sends a saved key to its provider (the value goes to the tester, never back to the caller)
     * and remembers the outcome on the key.
     */
    async test(actor: Actor, owner: OwnerRef, id: string, tester: KeyTester): Promise<KeyTestResult & { keyId: string }> {
      await allow(actor, "key.test", owner, id);
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
      await allow(actor, "key.test", owner);
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
      await allow(actor, "key.update", owner, id);
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
      if (input.rotation !== undefined) patch.rotation_every_days = input.rotation.everyDays;

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
        // So must a due date: it is counted from when the value read was set.
        let ifVersion = config !== undefined || input.rotation !== undefined ? current.version : undefined;
        const everyDays = input.rotation !== undefined ? input.rotation.everyDays : current.rotation_every_days;
        if (value !== undefined) Object.assign(write, newValueFields(actor, current, iso, everyDays));
        else if (input.rotation !== undefined) write.rotation_due_at = rotationDueAt(everyDays, current.last_rotated_at ?? current.created_at);
        if (plaintext !== undefined) {
          const version = current.version + 1;
          const sealed = await dataKeys.encrypt(binding(owner, id, service, version, config ?? storedConfig), plaintext);
          Object.assign(write, { data_key_id: sealed.dataKeyId, encrypted_value: sealed.ciphertext, version });
          ifVersion = current.version;
        }
        const replaced = current;
        const row = await withConflictMapping(patch.name, service, () =>
          store.transaction(async (tx) => {
            if (input.isDefault) await tx.clearDefault(owner, service);
            const updated = await tx.update(owner, id, write, { ifVersion });
            if (!updated) return undefined;
            // A new value keeps the one it replaced (the compare-and-set matched its version).
            if (value !== undefined) await keepAsVersion(tx, replaced, iso);
            await tx.audit([keyEvent(actor, "key.update", owner, updated, changeDetails(input))], iso);
            return updated;
          }),
        );
        if (row) {
          if (input.limits === undefined) return toApiKey(row, at);
          if (!deps.limits) throw new AppError("INTERNAL", "Limits cannot be set here");
          await deps.limits.set({ kind: "key", id }, input.limits);
          return { ...toApiKey(row, at), limits: input.limits };
        }
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
      await allow(actor, "key.reseal", owner, id);
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
      await allow(actor, "key.delete", owner, id);
      await store.transaction(async (tx) => {
        const row = await tx.find(owner, id);
        if (!row || !(await tx.remove(owner, id))) throw notFound();
        await tx.audit([keyEvent(actor, "key.delete", owner, row, { service: row.service })], now().toISOString());
      });
    },

    /** The key's values, newest first: the current one and up to KEY_VERSIONS_KEPT - 1 before it, masked. */
    async listVersions(actor: Actor, owner: OwnerRef, id: string): Promise<KeyVersionList> {
      await allow(actor, "key.versions", owner, id);
      const row = await store.find(owner, id);
      if (!row) throw notFound();
      const history = await store.listVersions(owner, id);
      return {
        versions: [
          { version: row.version, maskedValue: row.masked_value, createdAt: row.last_rotated_at ?? row.created_at, createdBy: row.value_created_by, current: true },
          ...history.slice(0, KEY_VERSIONS_KEPT - 1).map((v) => ({
            version: v.version,
            maskedValue: v.masked_value,
            createdAt: v.created_at,
            createdBy: v.created_by,
            current: false,
          })),
        ],
      };
    },

    /**
     * Makes a previous value current again, as a new version (the value it replaces is kept in
     * turn). The old value is opened with its own binding: a version row copied from another key
     * or renumbered fails to decrypt, and nothing changes.
     */
    async rollback(actor: Actor, owner: OwnerRef, id: string, version: number): Promise<ApiKey> {
      await allow(actor, "key.rollback", owner, id);
      const row = await store.find(owner, id);
      if (!row) throw notFound();
      if (version === row.version) throw conflict(`Version ${version} is already the key's value`);
      const old = await store.findVersion(owner, id, version);
      if (!old) throw notFound(`Version ${version} of this key`);
      const plaintext = await dataKeys.decrypt(versionBinding({ id, owner, service: row.service }, old), sealedOf(old));
      const updated = await replaceValue(actor, owner, id, { plaintext, masked: old.masked_value }, {
        action: "key.rollback",
        details: { rolledBackTo: old.version },
      });
      return toApiKey(updated, now());
    },

    /**
     * Replaces the key's value. `{ value }`: the new key is tested with the provider first; a
     * test that says `invalid` refuses the rotation and changes nothing (a test that cannot tell,
     * `error`, does not stop it). `{ automatic: true }`: the rotator mints one (AWS).
     */
    async rotate(actor: Actor, owner: OwnerRef, id: string, input: RotateKeyInput, tester: Pick<KeyTester, "testKey">): Promise<ApiKey> {
      await allow(actor, "key.rotate", owner, id);
      if ("automatic" in input) {
        // Marks the attempt, so a scheduler on another instance does not start one meanwhile.
        if (!(await store.claimRotation(owner, id, now().toISOString(), null))) throw notFound();
        return rotateAutomatically(actor, owner, id);
      }
      const row = await store.find(owner, id);
      if (!row) throw notFound();
      const service = row.service as ServiceId;
      const value = normalizeKeyValue(service, input.value);
      const test = await tester.testKey(service, value, JSON.parse(row.config));
      if (test.status === "invalid") {
        throw validationError(`The new key was not accepted: ${test.message} Nothing was changed.`);
      }
      const updated = await replaceValue(actor, owner, id, { plaintext: serialize(value), masked: maskKeyValue(service, value) }, {
        action: "key.rotate",
        details: { automatic: false, test: test.status },
        test,
      });
      return toApiKey(updated, now());
    },

    /**
     * The scheduler's run: every key due for rotation of a service the rotator supports, each
     * claimed first (one instance only; a failed attempt waits `retryAfterMs`), rotated as the
     * rotation actor. Failures are reported, not thrown: one bad key does not stop the rest.
     */
    async rotateDueKeys(opts: { retryAfterMs: number; limit: number }): Promise<DueRotationReport> {
      const report: DueRotationReport = { rotated: [], failed: [] };
      const rotator = deps.automaticRotator;
      if (!rotator) return report;
      const services = SERVICE_IDS.filter((s) => rotator.supports(s));
      const at = now();
      const retryBefore = new Date(at.getTime() - opts.retryAfterMs).toISOString();
      const due = await store.findDueForRotation(services, at.toISOString(), retryBefore, opts.limit);
      for (const key of due) {
        const owner = { type: key.owner_type, id: key.owner_id } as OwnerRef;
        if (!(await store.claimRotation(owner, key.id, now().toISOString(), retryBefore))) continue;
        try {
          await rotateAutomatically(ROTATION_ACTOR, owner, key.id);
          report.rotated.push(key.id);
        } catch (err) {
          report.failed.push({ keyId: key.id, message: err instanceof AppError ? err.message : "unexpected error" });
        }
      }
      return report;
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
     * The team step of a hand-out for `userId`: a usable key of a team the user is a member of
     * now (see KeyStore.findUsableForMember), or undefined. The actor must be allowed to hand out
     * for the user; membership is part of the query, so a removed member gets nothing.
     */
    async findUsableTeamKey(
      actor: Actor,
      userId: string,
      service: ServiceId,
    ): Promise<{ id: string; teamId: string; value: KeyValue; config: Record<string, unknown> } | undefined> {
      authorize(actor, "key.use", { owner: { type: "user", id: userId } });
      const row = await store.findUsableForMember(userId, service, now().toISOString());
      if (!row) return undefined;
      const owner: OwnerRef = { type: "team", id: row.team_id };
      const config = JSON.parse(row.config) as Record<string, unknown>;
      const sealed = { dataKeyId: row.data_key_id, ciphertext: row.encrypted_value, wrappedKey: row.wrapped_key };
      const plaintext = await dataKeys.decrypt(binding(owner, row.id, row.service, row.version, config), sealed);
      return { id: row.id, teamId: row.team_id, value: deserialize(row.service, plaintext), config };
    },

    /**
     * One key by id for a hand-out to `userId` (the gateway's `/gateway/custom/:keyId`): the
     * user's own key, or a key of a team the user is a member of now; active and unexpired.
     * Anything else answers NOT_FOUND, like another user's key.
     */
    async findUsableById(
      actor: Actor,
      userId: string,
      id: string,
    ): Promise<{ id: string; service: ServiceId; teamId: string | null; value: KeyValue; config: Record<string, unknown> }> {
      authorize(actor, "key.use", { owner: { type: "user", id: userId } });
      const own: OwnerRef = { type: "user", id: userId };
      const stored = await store.ownerOf(id);
      const owner = stored?.type === "team" ? stored : own;
      if (owner.type === "team") {
        const role = await deps.teamRoles?.teamRoleFor({ type: "user", userId }, owner);
        if (!role) throw notFound();
      }
      const row = await store.find(owner, id);
      const at = now();
      if (!row || row.is_active !== 1 || (row.expires_at !== null && Date.parse(row.expires_at) <= at.getTime())) throw notFound();
      const config = JSON.parse(row.config) as Record<string, unknown>;
      const plaintext = await dataKeys.decrypt(rowBinding(owner, row), sealedOf(row));
      return { id: row.id, service: row.service as ServiceId, teamId: owner.type === "team" ? owner.id : null, value: deserialize(row.service, plaintext), config };
    },

    /**
     * The owner a route acting on key `id` works with: the key's team when it is a team's (the
     * policy then asks for membership and role), else the caller's own (`fallback`): a key of
     * another user then answers 404 from the owner-scoped store, as it always has.
     */
    async ownerForKey(fallback: OwnerRef, id: string): Promise<OwnerRef> {
      const owner = await store.ownerOf(id);
      return owner?.type === "team" ? owner : fallback;
    },

    /**
     * A key with its value, for the provider calls of an automatic rotation (the AWS retirement
     * sweeper signs DeleteAccessKey with it). Not a reveal: the value goes to the provider only.
     */
    async openForRotation(actor: Actor, owner: OwnerRef, id: string): Promise<ApiKeyWithValue> {
      // People and tokens may rotate (the value stays inside the rotation); opening it is the
      // server's own rotation actor's alone, so no future route can turn this into a reveal.
      if (actor.type !== "system" || actor.name !== "rotation") throw new AppError("FORBIDDEN", "Only automatic rotation may open a key for its provider's calls");
      await allow(actor, "key.rotate", owner, id);
      return openKey(owner, id);
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
