import { z } from "zod";
import { AppError, clip, ERROR_LIMITS, type ErrorDetail } from "../platform/errors.js";
import type { ServiceId } from "../shared/service-ids.js";

import { DEFAULT_AWS_REGION, DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX } from "../shared/service-defaults.js";

export { DEFAULT_AWS_REGION, DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX };

/** `us-east-1`, `eu-central-2`, `ap-southeast-4`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** RFC 9110 `token`: the only characters an HTTP header name may hold. */
const HEADER_TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Header names a credential must never be sent as: they frame or route the request itself,
 * so letting a stored config set them would let it smuggle or redirect requests.
 */
const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
]);

export interface EmptyConfig {
  [key: string]: never;
}

export interface AwsConfig {
  region: string;
}

export interface CustomConfig {
  baseUrl: string;
  headerName: string;
  headerPrefix: string;
}

export interface ServiceConfigMap {
  openai: EmptyConfig;
  anthropic: EmptyConfig;
  google: EmptyConfig;
  groq: EmptyConfig;
  xai: EmptyConfig;
  aws: AwsConfig;
  custom: CustomConfig;
}

export type ServiceConfig<S extends ServiceId = ServiceId> = ServiceConfigMap[S];

export interface ServiceConfigOptions {
  /** Hostnames the operator allows a custom endpoint to reach over plain http. */
  allowHttpHosts?: readonly string[];
}

/** Why a header name cannot carry a credential, or undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > 256) return "must be at most 256 characters";
  if (!HEADER_TOKEN_PATTERN.test(name)) return "must be a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)";
  if (RESERVED_HEADER_NAMES.has(name.toLowerCase())) return `must not be "${name}", which controls the request itself`;
  return undefined;
}

/** Why a header prefix cannot be used, or undefined when it can. */
export function headerPrefixProblem(prefix: string): string | undefined {
  if (prefix.length > 256) return "must be at most 256 characters";
  // Printable ASCII and space only: no CR/LF (header injection) and nothing fetch would refuse.
  if (!/^[\x20-\x7e]*$/.test(prefix)) return "must hold only printable ASCII characters (no line breaks)";
  return undefined;
}

export function isAwsRegion(region: string): boolean {
  return region.length <= 32 && AWS_REGION_PATTERN.test(region);
}

function hostForComparison(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
}

/** Checks a custom endpoint's base URL and returns it in canonical form, without a trailing slash. */
function normalizeBaseUrl(raw: string, opts: ServiceConfigOptions, ctx: z.RefinementCtx): string {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (raw.length === 0) return fail("is required");
  if (raw.length > 2048) return fail("must be at most 2048 characters");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail("must be an absolute URL such as https://api.example.com/v1");
  }
  if (url.protocol === "http:") {
    const allowed = (opts.allowHttpHosts ?? []).map(hostForComparison);
    if (!allowed.includes(hostForComparison(url.hostname))) {
      return fail("must use https (plain http is allowed only to hosts the operator lists)");
    }
  } else if (url.protocol !== "https:") {
    return fail("must use https");
  }
  if (url.username || url.password) return fail("must not contain credentials; put the key in the key value");
  // The test request and clients append paths (`/models`), which a query or fragment would break.
  if (url.search) return fail("must not contain a query string");
  if (url.hash) return fail("must not contain a fragment");
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Config objects are strict: an unknown field is refused with a VALIDATION_ERROR rather than
 * stripped, so a typo (`baseURL`) or a field sent to the wrong service (`region` on openai)
 * is reported instead of silently lost.
 */
const OBJECT_ERROR = { error: "must be an object" };

export const emptyConfigSchema = z.strictObject({}, OBJECT_ERROR);

export const awsConfigSchema = z.strictObject({
  region: z
    .string({ error: "must be a string such as us-east-1" })
    .trim()
    .refine(isAwsRegion, { message: "must be an AWS region such as us-east-1 or eu-central-2" })
    .default(DEFAULT_AWS_REGION),
}, OBJECT_ERROR);

export function customConfigSchema(opts: ServiceConfigOptions = {}) {
  return z.strictObject({
    baseUrl: z
      .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
      .trim()
      .transform((raw, ctx) => normalizeBaseUrl(raw, opts, ctx)),
    headerName: z
      .string({ error: "must be a string" })
      .trim()
      .superRefine((name, ctx) => {
        const problem = headerNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_CUSTOM_HEADER_NAME),
    // Not trimmed: the trailing space of "Bearer " is meaningful.
    headerPrefix: z
      .string({ error: "must be a string" })
      .superRefine((prefix, ctx) => {
        const problem = headerPrefixProblem(prefix);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_CUSTOM_HEADER_PREFIX),
  }, OBJECT_ERROR);
}

export function configSchemaFor(service: ServiceId, opts: ServiceConfigOptions = {}) {
  switch (service) {
    case "aws":
      return awsConfigSchema;
    case "custom":
      return customConfigSchema(opts);
    default:
      return emptyConfigSchema;
  }
}

function issuesToDetails(issues: readonly z.core.$ZodIssue[], service: ServiceId): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const path = ["config", ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      const accepted = Object.keys(configSchemaFor(service).shape);
      const takes = accepted.length ? `takes only: ${accepted.join(", ")}` : "takes no config fields";
      // The key is the client's text: its path is cut, so the summary cannot echo a huge name.
      for (const key of issue.keys) {
        details.push({ path: clip(`${path}.${key}`, ERROR_LIMITS.path), message: `unknown field; service "${service}" ${takes}` });
      }
    } else {
      details.push({ path: clip(path, ERROR_LIMITS.path), message: issue.message });
    }
  }
  return details.slice(0, ERROR_LIMITS.details);
}

/**
 * Validates and fills in defaults for a key's `config`. `undefined` and `null` mean "no config"
 * (so `custom`, which needs a baseUrl, still fails). Throws VALIDATION_ERROR with one detail
 * per problem, paths rooted at `config`.
 */
export function normalizeServiceConfig<S extends ServiceId>(
  service: S,
  config: unknown,
  opts: ServiceConfigOptions = {},
): ServiceConfig<S> {
  const input = config === undefined || config === null ? {} : config;
  const result = configSchemaFor(service, opts).safeParse(input);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues, service);
    const summary = details.map((d) => `${d.path} ${d.message}`).join("; ");
    throw new AppError("VALIDATION_ERROR", `Invalid config: ${summary}`, { details });
  }
  return result.data as ServiceConfig<S>;
}
