/**
 * apiKeyProvider: the key an application should use for a user and a service, at the moment
 * it calls the provider — the library's face of key-resolver.ts (which `/api/resolve` shares):
 * user's key → a key of a team the user is in → environment → undefined, inactive and expired keys skipped.
 * An empty or unknown user id is not an error: it resolves like a user without keys.
 * An unknown service id is a VALIDATION_ERROR. getServiceConfig never hands out a custom base
 * URL that points inside the network (unless the operator allows private endpoints): it throws
 * the same VALIDATION_ERROR a save would, and counts no use. Each hand-out of a stored key counts one use
 * (buffered, see usage/usage-recorder.ts); environment values belong to no key and are not counted.
 */
import { LIBRARY_ACTOR } from "../access/actor.js";
import type { AwsCredentialValue, ServiceId, StringServiceId } from "../services/index.js";
import { checkService, createKeyResolver, type KeyResolver, type KeyResolverDeps, type KeySource, type Resolved } from "./key-resolver.js";

export type { ServiceId, StringServiceId };

export type { KeySource };

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
  /** The team whose key was handed out (source "team" only). */
  teamId?: string;
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
  /** The team whose credentials were handed out (source "team" only). */
  teamId?: string;
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

/** What the provider is built from: the resolver's parts, or a resolver already built (the server shares one). */
export type ApiKeyProviderDeps = KeyResolverDeps | { resolver: KeyResolver };

export function createApiKeyProvider(deps: ApiKeyProviderDeps): ApiKeyProvider {
  const resolver = "resolver" in deps ? deps.resolver : createKeyResolver(deps);
  // The library hands out on behalf of the application it runs in.
  const resolve = (userId: string, service: ServiceId) => resolver.resolve(LIBRARY_ACTOR, userId, service);
  const handOut = (found: Resolved) => resolver.handOut(found);
  const regionOf = (found: Resolved | undefined) => resolver.regionOf(found);

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
      const { apiKey, baseUrl, headers, source, region, teamId } = await resolver.answer(found);
      handOut(found); // counted only once the answer is complete
      return { service, apiKey, baseUrl, headers, source, ...(teamId ? { teamId } : {}), ...(region ? { region } : {}) };
    },

    async getAWSCredentials(userId: string): Promise<AWSCredentials> {
      const found = await resolve(userId, "aws");
      if (!found) return { region: regionOf(undefined), source: "none" };
      const { accessKeyId, secretAccessKey, sessionToken } = found.value as AwsCredentialValue;
      handOut(found);
      const team = found.teamId ? { teamId: found.teamId } : {};
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), region: regionOf(found), source: found.source, ...team };
    },
  };
}
