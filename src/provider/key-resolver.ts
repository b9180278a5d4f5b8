/**
 * Which key a caller gets for a user and a service, and the answer built from it: the one
 * resolution behind the library (`apiKeyProvider`) and `/api/resolve`, so both hand out the
 * same key in the same order, skip the same keys and count the same use. In order:
 *   1. the user's active, unexpired key for the service (the default one, else the most
 *      recently updated) — one indexed lookup + one decrypt, no row cache, so a key switched
 *      off anywhere is never handed out after the commit;
 *   2. a key of a team the user is a member of now (that team's default for the service; among
 *      several teams, the one the user marked preferred, else the oldest membership) — one
 *      query that joins the membership, so a removed member gets nothing after the commit;
 *   3. the environment fallback (OPENAI_API_KEY, …; the catalog's `envVars`, in order);
 *   4. nothing.
 * The actor is asked of the policy before anything is looked up (the library may use any
 * user's key; a token only within its scope and, when personal, its own user's).
 */
import { describeActor, LIBRARY_ACTOR, type Actor } from "../access/actor.js";
import { auditActor } from "../audit/audit-service.js";
import type { OwnerRef } from "../access/owner.js";
import { authorize } from "../access/policy.js";
import type { KeyService } from "../keys/key-service.js";
import type { Config } from "../platform/config.js";
import type { LookupFn } from "../platform/net/dns-lookup.js";
import { isInternalEndpoint, privateEndpointRefusal } from "../platform/net/endpoint-policy.js";
import {
  authHeadersFor,
  baseUrlFor,
  DEFAULT_AWS_REGION,
  getService,
  type AwsCredentialValue,
  type KeyValue,
  type ServiceConfig as StoredServiceConfig,
  type ServiceId,
} from "../services/index.js";
import type { KeyUse, UsageRecorder } from "../usage/usage-recorder.js";

/** Where a handed-out key came from: the user's own key, a team's, or the server's environment. */
export type KeySource = "user" | "team" | "env";

/** A key found for a user and a service, not yet handed out. */
export interface Resolved {
  service: ServiceId;
  source: KeySource;
  /** The team whose key this is (source "team"). */
  teamId?: string;
  value: KeyValue;
  /** The stored key's id; null for the environment. */
  keyId: string | null;
  /** The stored key's config (region, base URL, header); {} for the environment. */
  config: Record<string, unknown>;
  /** Set for a stored key: what to count once the key is handed out. */
  use?: KeyUse;
}

/** Everything needed to call a service — the answer of `/api/resolve`; the library's is a subset. */
export interface ResolvedKey {
  service: ServiceId;
  /** The key; for `aws` the access key ID. */
  apiKey: string;
  baseUrl: string;
  headers: Record<string, string>;
  source: KeySource;
  keyId: string | null;
  /** The team whose key it is (source "team" only). */
  teamId?: string;
  /** aws only. */
  region?: string;
  /** aws only: the pair (and session token) in the AWS SDK's shape. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface KeyResolverDeps {
  keys: Pick<KeyService, "findUsableKey" | "findUsableTeamKey">;
  usage: Pick<UsageRecorder, "record">;
  config: Pick<Config, "fallbackEnv" | "baseUrlOverrides" | "allowPrivateEndpoints">;
  /** DNS for the custom endpoint check at hand-out (tests inject one); default: the system's. */
  lookup?: LookupFn;
}

// Built once: the library's hand-outs are the hot path.
const LIBRARY_AUDIT_ACTOR = Object.freeze(auditActor(LIBRARY_ACTOR));

/** Throws VALIDATION_ERROR (from the catalog) for an id that is not a service. */
export const checkService = (service: unknown): ServiceId => getService(service as ServiceId).id;

const ownerOf = (userId: unknown): OwnerRef | undefined =>
  typeof userId === "string" && userId.length > 0 ? { type: "user", id: userId } : undefined;

export function createKeyResolver(deps: KeyResolverDeps) {
  const { keys, usage } = deps;
  const env = deps.config.fallbackEnv;
  const overrides = deps.config.baseUrlOverrides;

  function fromEnvironment(service: ServiceId): Resolved | undefined {
    const definition = getService(service);
    const found = (value: KeyValue): Resolved => ({ service, source: "env", value, keyId: null, config: {} });
    if (definition.valueKind === "aws") {
      const names = definition.envVars;
      const accessKeyId = env[names.accessKeyId];
      const secretAccessKey = env[names.secretAccessKey];
      // Half a credential signs nothing: both parts or no fallback.
      if (!accessKeyId || !secretAccessKey) return undefined;
      const sessionToken = env[names.sessionToken];
      return found({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    }
    for (const name of definition.envVars) {
      const value = env[name];
      if (value) return found(value);
    }
    return undefined;
  }

  /**
   * The key `actor` may hand out for `userId`, or undefined. An empty or unknown user id is not
   * an error: it resolves like a user without keys (the environment's, if any).
   */
  async function resolve(actor: Actor, userId: string, service: ServiceId): Promise<Resolved | undefined> {
    const owner = ownerOf(userId);
    if (owner) {
      const key = await keys.findUsableKey(actor, owner, service);
      if (key) {
        const use: KeyUse = {
          keyId: key.id,
          owner,
          service,
          actor: actor === LIBRARY_ACTOR ? LIBRARY_AUDIT_ACTOR : auditActor(actor),
          ...(actor.type === "token" ? { consumer: describeActor(actor) } : {}),
        };
        return { service, source: "user", value: key.value, keyId: key.id, config: key.config, use };
      }
      const shared = await keys.findUsableTeamKey(actor, userId, service);
      if (shared) {
        const use: KeyUse = {
          keyId: shared.id,
          owner: { type: "team", id: shared.teamId },
          service,
          member: userId,
          actor: actor === LIBRARY_ACTOR ? LIBRARY_AUDIT_ACTOR : auditActor(actor),
          ...(actor.type === "token" ? { consumer: describeActor(actor) } : {}),
        };
        return { service, source: "team", teamId: shared.teamId, value: shared.value, keyId: shared.id, config: shared.config, use };
      }
    } else {
      // Nothing stored to ask about, but a token still needs the scope to reach the environment's key.
      authorize(actor, "key.use", { owner: { type: "user", id: "" } });
    }
    return fromEnvironment(service);
  }

  /**
   * A custom base URL is checked at every hand-out of its full answer, not only when saved: it
   * may have been saved while private endpoints were allowed, or its name may point inside by
   * now. Literal addresses and internal names cost nothing; a hostname costs one DNS lookup. A
   * failed lookup is not a refusal: the app resolves the name again when it connects, and then
   * reaches nothing either. Nor is this a guarantee against a name that changes after the
   * check: the app connects, not Keyhaven.
   */
  async function checkCustomBaseUrl(baseUrl: string): Promise<void> {
    if (deps.config.allowPrivateEndpoints) return;
    if (await isInternalEndpoint(baseUrl, { lookup: deps.lookup })) throw privateEndpointRefusal();
  }

  /** The key's `config.region`, else AWS_REGION, else us-east-1. */
  function regionOf(found: Resolved | undefined): string {
    const region = found?.config.region;
    return typeof region === "string" && region ? region : env[getService("aws").envVars.region] || DEFAULT_AWS_REGION;
  }

  return {
    resolve,
    regionOf,

    /** Counts one use of a stored key (environment values belong to no key and are not counted). */
    handOut(found: Resolved): void {
      if (found.use) usage.record(found.use);
    },

    /**
     * The full answer for a resolved key. Throws the save's VALIDATION_ERROR for a custom base
     * URL inside the network (unless allowed): the key exists, so "no key" would mislead.
     */
    async answer(found: Resolved): Promise<ResolvedKey> {
      const { service, source, keyId } = found;
      const team = found.teamId !== undefined ? { teamId: found.teamId } : {};
      if (service === "aws") {
        const region = regionOf(found);
        const { accessKeyId, secretAccessKey, sessionToken } = found.value as AwsCredentialValue;
        return {
          service,
          apiKey: accessKeyId,
          baseUrl: baseUrlFor("aws", { region }, overrides),
          headers: {},
          source,
          keyId,
          ...team,
          region,
          credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
        };
      }
      const value = found.value as string;
      const config = found.config as StoredServiceConfig<typeof service>;
      const baseUrl = baseUrlFor(service, config, overrides);
      if (service === "custom") await checkCustomBaseUrl(baseUrl);
      return { service, apiKey: value, baseUrl, headers: authHeadersFor(service, value, config), source, keyId, ...team };
    },
  };
}

export type KeyResolver = ReturnType<typeof createKeyResolver>;
