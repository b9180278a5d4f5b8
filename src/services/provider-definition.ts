/**
 * What one service is, in one place: every file in providers/ exports a ProviderDefinition and
 * registry.ts lists them. The generic machinery (key-format, masking, auth-headers,
 * service-config, the key tester) reads these fields and holds no per-service branch.
 */
import { z } from "zod";
import type { KeyShape } from "../shared/key-shapes.js";
import type { ServiceId, StringServiceId } from "../shared/service-ids.js";
import type { UsageFormatId } from "./usage-formats/usage-format.js";

/**
 * How the gateway serves a service: the path under `/gateway/` an SDK's base URL ends in
 * (everything after it is forwarded to the service's base URL), and the wire format its
 * answers' usage and its error bodies are read and written in. Custom endpoints are reached by
 * key: `/gateway/custom/:keyId`.
 */
export interface GatewayAdapter {
  path: string;
  format: UsageFormatId;
}

/** One field a service's `config` takes, as shown by the web app's "Add API Key" dialog. */
export interface ConfigField {
  name: string;
  label: string;
  required: boolean;
  default: string | null;
  description: string;
}

/** The environment variables the provider falls back to for AWS, one per credential part. */
export type AwsEnvVars = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
};

export interface AwsCredentialValue {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present only for temporary (`ASIA…`) credentials. */
  sessionToken?: string;
}

export type KeyValue = string | AwsCredentialValue;

export interface EmptyConfig {
  [key: string]: never;
}

export interface ServiceConfigOptions {
  /** Hostnames the operator allows a custom endpoint to reach over plain http. */
  allowHttpHosts?: readonly string[];
}

/**
 * A config schema is a strict zod object: its `shape` names the fields it takes, for the
 * "unknown field" message. Its output is the normalized config, defaults filled in.
 */
export type ConfigSchema<Config> = z.ZodType<Config> & { shape: Record<string, unknown> };

/**
 * Config objects are strict: an unknown field is refused with a VALIDATION_ERROR rather than
 * stripped, so a typo (`baseURL`) or a field sent to the wrong service (`region` on openai)
 * is reported instead of silently lost.
 */
export const CONFIG_OBJECT_ERROR = { error: "must be an object" };

/** The config of a service that takes none. */
export const emptyConfigSchema = z.strictObject({}, CONFIG_OBJECT_ERROR);

/** The cheapest request that proves a key works, described, not yet sent. */
export interface TestRequest {
  url: URL;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

/**
 * How a key is tested. `get`: `GET {baseUrl}{path}` carrying the provider's authHeaders (the
 * key tester adds `accept` and `user-agent`). `signed`: the provider builds the whole request
 * itself (AWS signs it with SigV4).
 */
export type KeyTestSpec<Value extends KeyValue, Config> =
  | { kind: "get"; path: string }
  | { kind: "signed"; build: (value: Value, config: Partial<Config> | undefined, baseUrl: string) => Promise<TestRequest> };

interface ProviderDefinitionBase<Id extends ServiceId, Value extends KeyValue, Config> {
  id: Id;
  label: string;
  /** What a key looks like, in words, for the form and the docs. */
  formatHint: string;
  /** What a key looks like, as data: checked on the server, and in the browser as one types. */
  keyShape: KeyShape;
  /** Where a user gets a key; null when there is no one place. */
  keyPageUrl: string | null;
  /** `KEYHAVEN_<SERVICE>_BASE_URL`, the operator's override; null when the user sets the URL. */
  baseUrlEnvVar: string | null;
  /** The provider's public API root; for aws a template with `{region}`. */
  defaultBaseUrl: string | null;
  configFields: readonly ConfigField[];
  /** Validates a key's `config` and fills in its defaults. */
  configSchema: (opts: ServiceConfigOptions) => ConfigSchema<Config>;
  /**
   * The API root for a key, when it is not simply `template` (the operator's override, else
   * defaultBaseUrl): aws fills in the region, custom takes the key's own URL. Trailing
   * slashes are stripped by the caller.
   */
  baseUrl?: (config: Partial<Config> | undefined, template: string | null) => string;
  /**
   * The headers that authenticate a request with `value`. `config` is normalized, but may come
   * from storage: whatever of it lands in a header is re-checked here.
   */
  authHeaders: (value: string, config: Partial<Config> | undefined) => Record<string, string>;
  keyTest: KeyTestSpec<Value, Config>;
  /**
   * How this provider says "wrong key" in a 400 answer, for providers that do not use 401/403.
   * Read over the first bytes of every tested service's 400 answer (custom endpoints often
   * front one of these providers); keep it linear (no nested quantifiers).
   */
  keyRejectedText?: RegExp;
  /** Absent: the gateway does not serve it (aws signs each request itself). */
  gateway?: GatewayAdapter;
}

export interface StringProviderDefinition<Id extends StringServiceId = StringServiceId, Config = EmptyConfig>
  extends ProviderDefinitionBase<Id, string, Config> {
  valueKind: "string";
  /** Fallback variables, tried in order; empty when the environment cannot supply a key. */
  envVars: readonly string[];
}

export interface AwsProviderDefinition<Config = unknown> extends ProviderDefinitionBase<"aws", AwsCredentialValue, Config> {
  valueKind: "aws";
  envVars: AwsEnvVars;
}

/** What each file in providers/ exports. */
export type ProviderDefinition = StringProviderDefinition<StringServiceId, unknown> | AwsProviderDefinition<unknown>;
