import { z } from "zod";
import { AppError } from "../../platform/errors.js";
import { DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX } from "../../shared/service-defaults.js";
import { CONFIG_OBJECT_ERROR, type ServiceConfigOptions, type StringProviderDefinition } from "../provider-definition.js";

export interface CustomConfig {
  baseUrl: string;
  headerName: string;
  headerPrefix: string;
}

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
  }, CONFIG_OBJECT_ERROR);
}

/** Any OpenAI-compatible endpoint (or other API) the user points at, with the header they name. */
export const custom: StringProviderDefinition<"custom", CustomConfig> = {
  id: "custom",
  label: "Custom endpoint",
  valueKind: "string",
  formatHint: "any non-empty value, sent in the configured header",
  keyShape: { kind: "any" },
  keyPageUrl: null,
  envVars: [],
  baseUrlEnvVar: null,
  defaultBaseUrl: null,
  configFields: [
    {
      name: "baseUrl",
      label: "Base URL",
      required: true,
      default: null,
      description: "API root of the endpoint, https (e.g. https://llm.example.com/v1); the key test calls {baseUrl}/models",
    },
    {
      name: "headerName",
      label: "Header name",
      required: false,
      default: DEFAULT_CUSTOM_HEADER_NAME,
      description: "HTTP header that carries the key",
    },
    {
      name: "headerPrefix",
      label: "Header prefix",
      required: false,
      default: DEFAULT_CUSTOM_HEADER_PREFIX,
      description: "Text put before the key in the header (empty for none)",
    },
  ],
  configSchema: customConfigSchema,
  // The key's own URL, never an operator override: there is no KEYHAVEN_CUSTOM_BASE_URL.
  baseUrl(config) {
    const baseUrl = config?.baseUrl;
    if (!baseUrl) {
      throw new AppError("VALIDATION_ERROR", "The custom endpoint has no base URL", {
        details: [{ path: "config.baseUrl", message: "is required" }],
      });
    }
    return baseUrl;
  },
  authHeaders(value, config) {
    const headerName = config?.headerName ?? DEFAULT_CUSTOM_HEADER_NAME;
    const headerPrefix = config?.headerPrefix ?? DEFAULT_CUSTOM_HEADER_PREFIX;
    const nameProblem = headerNameProblem(headerName);
    const prefixProblem = headerPrefixProblem(headerPrefix);
    if (nameProblem || prefixProblem) {
      const details = [];
      if (nameProblem) details.push({ path: "config.headerName", message: nameProblem });
      if (prefixProblem) details.push({ path: "config.headerPrefix", message: prefixProblem });
      throw new AppError("VALIDATION_ERROR", "Invalid config for the custom endpoint", { details });
    }
    return { [headerName]: `${headerPrefix}${value}` };
  },
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "custom", format: "openai" },
};
