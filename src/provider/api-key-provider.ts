/**
 * apiKeyProvider: the key an application should use for a user and a service, at the moment
 * it calls the provider. Resolution, in order:
 *   1. the user's active, unexpired key for the service (the default one, else the most
 *      recently updated) — one indexed lookup + one decrypt, no row cache, so a key switched
 *      off anywhere is never handed out after the commit;
 *   2. (later) a team key shared with the user;
 *   3. the environment fallback (OPENAI_API_KEY, …; the catalog's `envVars`, in order);
 *   4. undefined.
 * An empty or unknown user id is not an error: it resolves like a user without keys.
 * An unknown service id is a VALIDATION_ERROR. getServiceConfig never hands out a custom base
 * URL that points inside the network (unless the operator allows private endpoints): it throws
 * the same VALIDATION_ERROR a save would, and counts no use. Each hand-out of a stored key counts one use
 * (buffered, see usage/usage-recorder.ts); environment values belong to no key and are not counted.
 */
import type { Config } from "../platform/config.js";
import { LIBRARY_ACTOR } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import type { KeyService } from "../keys/key-service.js";
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
  type StringServiceId,
} from "../services/index.js";
import type { KeyUse, UsageRecorder } from "../usage/usage-recorder.js";

export type { ServiceId, StringServiceId };

/** Where a handed-out key came from. "team" is reserved for team keys shared with the user. */
export type KeySource = "user" | "team" | "env";

/** Everything needed to call a service: where, and with which auth headers. */
export interface ServiceConfig {
  service: ServiceId;
  /** The key; for `aws` the access key ID (requests are SigV4-signed: use getAWSCredentials). */
  apiKey: string;
  /** API root without a trailing slash: `KEYHAVEN_<SERVICE>_BASE_URL`, else the provider's; custom: the key's `config.baseUrl`; aws: the STS endpoint of the region. */
  baseUrl: string;
  /** The auth headers the service expects (`Authorization: Bearer …`, `x-api-key` + `anthropic-version`, `x-goog-api-key`, custom's header); empty for aws. */
  headers: Record<string, string>;
  source: KeySource;
  /** aws only: the region the credentials are for. */
  region?: string;
}

/** AWS credentials in the shape the AWS SDK takes, plus the region. */
export interface AWSCredentials {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** The key's `config.region`, else AWS_REGION, else us-east-1. */
  region: string;
  /** "none" when neither the user nor the environment has AWS credentials (no other field is then set). */
  source: KeySource | "none";
}

export interface RequiredKeysCheck {
  /** True when every requested service has a key (the user's or the environment's). */
  valid: boolean;
  missing: ServiceId[];
  available: ServiceId[];
}

export interface ApiKeyProvider {
  /**
   * The key for a string service, or undefined. `aws` has no single-string key: it answers
   * undefined, use getAWSCredentials. Throws VALIDATION_ERROR for an unknown service id.
   */
  getApiKey(userId: string, service: ServiceId): Promise<string | undefined>;
  getOpenAIApiKey(userId: string): Promise<string | undefined>;
  getAnthropicApiKey(userId: string): Promise<string | undefined>;
  getGoogleApiKey(userId: string): Promise<string | undefined>;
  getGroqApiKey(userId: string): Promise<string | undefined>;
  getXAIApiKey(userId: string): Promise<string | undefined>;
  /** The user's custom endpoint key (no environment fallback; see getServiceConfig for its URL and header). */
  getCustomApiKey(userId: string): Promise<string | undefined>;
  /** getApiKey for several services at once (each one handed out counts one use). */
  getApiKeys<S extends ServiceId>(userId: string, services: readonly S[]): Promise<Record<S, string | undefined>>;
  /** Which of the services have a key for this user. Only checks: hands nothing out, counts no use. */
  validateRequiredKeys(userId: string, services: readonly ServiceId[]): Promise<RequiredKeysCheck>;
  /**
   * Key, base URL and auth headers for the service, or undefined when there is no key. A custom
   * key whose base URL is or resolves to a private or internal address is refused with a
   * VALIDATION_ERROR (unless the operator allows private endpoints): the key exists, so
   * "no key" would send the user looking for the wrong problem.
   */
  getServiceConfig(userId: string, service: ServiceId): Promise<ServiceConfig | undefined>;
  getAWSCredentials(userId: string): Promise<AWSCredentials>;
}

export interface ApiKeyProviderDeps {
  keys: Pick<KeyService, "findUsableKey">;
  usage: Pick<UsageRecorder, "record">;
  config: Pick<Config, "fallbackEnv" | "baseUrlOverrides" | "allowPrivateEndpoints">;
  /** DNS for the custom endpoint check at hand-out (tests inject one); default: the system's. */
  lookup?: LookupFn;
}

interface Resolved {
  source: "user" | "env";
  value: KeyValue;
  /** The stored key's config (region, base URL, header); {} for the environment. */
  config: Record<string, unknown>;
  /** Set for a stored key: what to count once the key is handed out. */
  use?: KeyUse;
}

const ownerOf = (userId: unknown): OwnerRef | undefined =>
  typeof userId === "string" && userId.length > 0 ? { type: "user", id: userId } : undefined;

/** Throws VALIDATION_ERROR (from the catalog) for an id that is not a service. */
const checkService = (service: unknown): ServiceId => getService(service as ServiceId).id;

export function createApiKeyProvider(deps: ApiKeyProviderDeps): ApiKeyProvider {
  const { keys, usage } = deps;
  const env = deps.config.fallbackEnv;
  const overrides = deps.config.baseUrlOverrides;

  function fromEnvironment(service: ServiceId): Resolved | undefined {
    const definition = getService(service);
    if (definition.valueKind === "aws") {
      const names = definition.envVars;
      const accessKeyId = env[names.accessKeyId];
      const secretAccessKey = env[names.secretAccessKey];
      // Half a credential signs nothing: both parts or no fallback.
      if (!accessKeyId || !secretAccessKey) return undefined;
      const sessionToken = env[names.sessionToken];
      return { source: "env", value: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, config: {} };
    }
    for (const name of definition.envVars) {
      const value = env[name];
      if (value) return { source: "env", value, config: {} };
    }
    return undefined;
  }

  async function resolve(userId: string, service: ServiceId): Promise<Resolved | undefined> {
    const owner = ownerOf(userId);
    if (owner) {
      const key = await keys.findUsableKey(LIBRARY_ACTOR, owner, service);
      if (key) return { source: "user", value: key.value, config: key.config, use: { keyId: key.id, owner, service } };
    }
    return fromEnvironment(service);
  }

  /**
   * A custom base URL is checked at every getServiceConfig, not only when saved: it may have
   * been saved while private endpoints were allowed, or its name may point inside by now.
   * Literal addresses and internal names cost nothing; a hostname costs one DNS lookup, paid
   * only by getServiceConfig of a custom key (the one answer that carries a stored URL; other
   * services' URLs are the catalog's or the operator's). A failed lookup is not a refusal: the
   * app resolves the name again when it connects, and then reaches nothing either. Nor is this
   * a guarantee against a name that changes after the check: the app connects, not Keyhaven.
   */
  async function checkCustomBaseUrl(baseUrl: string): Promise<void> {
    if (deps.config.allowPrivateEndpoints) return;
    if (await isInternalEndpoint(baseUrl, { lookup: deps.lookup })) throw privateEndpointRefusal();
  }

  function handOut(found: Resolved): void {
    if (found.use) usage.record(found.use);
  }

  function regionOf(found: Resolved | undefined): string {
    const region = found?.config.region;
    return typeof region === "string" && region ? region : env[getService("aws").envVars.region] || DEFAULT_AWS_REGION;
  }

  async function getApiKey(userId: string, service: ServiceId): Promise<string | undefined> {
    if (checkService(service) === "aws") return undefined;
    const found = await resolve(userId, service);
    if (!found) return undefined;
    handOut(found);
    return found.value as string;
  }

  const getter = (service: StringServiceId) => (userId: string) => getApiKey(userId, service);

  return {
    getApiKey,
    getOpenAIApiKey: getter("openai"),
    getAnthropicApiKey: getter("anthropic"),
    getGoogleApiKey: getter("google"),
    getGroqApiKey: getter("groq"),
    getXAIApiKey: getter("xai"),
    getCustomApiKey: getter("custom"),

    async getApiKeys<S extends ServiceId>(userId: string, services: readonly S[]): Promise<Record<S, string | undefined>> {
      const unique = [...new Set(services)];
      unique.forEach(checkService); // refuse the whole call before anything is handed out
      const values = await Promise.all(unique.map((s) => getApiKey(userId, s)));
      return Object.fromEntries(unique.map((s, i) => [s, values[i]])) as Record<S, string | undefined>;
    },

    async validateRequiredKeys(userId: string, services: readonly ServiceId[]): Promise<RequiredKeysCheck> {
      const unique = [...new Set(services)];
      unique.forEach(checkService);
      const found = await Promise.all(unique.map((s) => resolve(userId, s)));
      const available = unique.filter((_, i) => found[i] !== undefined);
      const missing = unique.filter((_, i) => found[i] === undefined);
      return { valid: missing.length === 0, missing, available };
    },

    async getServiceConfig(userId: string, service: ServiceId): Promise<ServiceConfig | undefined> {
      checkService(service);
      const found = await resolve(userId, service);
      if (!found) return undefined;
      let result: ServiceConfig;
      if (service === "aws") {
        const region = regionOf(found);
        result = {
          service,
          apiKey: (found.value as AwsCredentialValue).accessKeyId,
          baseUrl: baseUrlFor("aws", { region }, overrides),
          headers: {},
          source: found.source,
          region,
        };
      } else {
        const value = found.value as string;
        const config = found.config as StoredServiceConfig<typeof service>;
        const baseUrl = baseUrlFor(service, config, overrides);
        if (service === "custom") await checkCustomBaseUrl(baseUrl);
        result = {
          service,
          apiKey: value,
          baseUrl,
          headers: authHeadersFor(service, value, config),
          source: found.source,
        };
      }
      handOut(found); // counted only once the answer is complete
      return result;
    },

    async getAWSCredentials(userId: string): Promise<AWSCredentials> {
      const found = await resolve(userId, "aws");
      if (!found) return { region: regionOf(undefined), source: "none" };
      const { accessKeyId, secretAccessKey, sessionToken } = found.value as AwsCredentialValue;
      handOut(found);
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), region: regionOf(found), source: found.source };
    },
  };
}
