import { AppError } from "../platform/errors.js";
import { getService } from "./catalog.js";
import {
  DEFAULT_AWS_REGION,
  DEFAULT_CUSTOM_HEADER_NAME,
  DEFAULT_CUSTOM_HEADER_PREFIX,
  headerNameProblem,
  headerPrefixProblem,
  isAwsRegion,
  type AwsConfig,
  type CustomConfig,
  type ServiceConfig,
} from "./service-config.js";
import type { ServiceId } from "../shared/service-ids.js";

export const ANTHROPIC_VERSION = "2023-06-01";

export type BaseUrlOverrides = Partial<Record<ServiceId, string>>;

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The headers that authenticate a request to the service with `value`. `config` is the key's
 * normalized config; stored configs are re-checked here because they end up in a header.
 */
export function authHeadersFor<S extends ServiceId>(
  service: S,
  value: string,
  config?: ServiceConfig<S>,
): Record<string, string> {
  switch (service) {
    case "openai":
    case "groq":
    case "xai":
      return { Authorization: `Bearer ${value}` };
    case "anthropic":
      return { "x-api-key": value, "anthropic-version": ANTHROPIC_VERSION };
    case "google":
      // In a header, never `?key=` in the URL, where proxies and logs would keep it.
      return { "x-goog-api-key": value };
    case "custom": {
      const c = (config ?? {}) as Partial<CustomConfig>;
      const headerName = c.headerName ?? DEFAULT_CUSTOM_HEADER_NAME;
      const headerPrefix = c.headerPrefix ?? DEFAULT_CUSTOM_HEADER_PREFIX;
      const nameProblem = headerNameProblem(headerName);
      const prefixProblem = headerPrefixProblem(headerPrefix);
      if (nameProblem || prefixProblem) {
        const details = [];
        if (nameProblem) details.push({ path: "config.headerName", message: nameProblem });
        if (prefixProblem) details.push({ path: "config.headerPrefix", message: prefixProblem });
        throw new AppError("VALIDATION_ERROR", "Invalid config for the custom endpoint", { details });
      }
      return { [headerName]: `${headerPrefix}${value}` };
    }
    case "aws":
      throw new AppError("INTERNAL", "AWS requests are signed with SigV4, not sent with a static auth header");
    default:
      getService(service); // throws for an unknown id
      throw new AppError("INTERNAL", `No auth header rule for service "${String(service)}"`);
  }
}

/**
 * The API root to call for a key, without a trailing slash: the operator's override
 * (`KEYHAVEN_<SERVICE>_BASE_URL`, passed in by config) else the provider's public URL.
 * For aws `{region}` is filled from `config.region`; custom uses `config.baseUrl` only.
 */
export function baseUrlFor<S extends ServiceId>(
  service: S,
  config?: ServiceConfig<S>,
  overrides: BaseUrlOverrides = {},
): string {
  if (service === "custom") {
    const baseUrl = (config as Partial<CustomConfig> | undefined)?.baseUrl;
    if (!baseUrl) {
      throw new AppError("VALIDATION_ERROR", "The custom endpoint has no base URL", {
        details: [{ path: "config.baseUrl", message: "is required" }],
      });
    }
    return stripTrailingSlashes(baseUrl);
  }
  const definition = getService(service);
  // An empty override counts as unset.
  const template = overrides[service] || definition.defaultBaseUrl;
  if (!template) throw new AppError("INTERNAL", `No base URL for service "${service}"`);
  if (service === "aws") {
    const region = (config as Partial<AwsConfig> | undefined)?.region ?? DEFAULT_AWS_REGION;
    // The region lands in a hostname: re-checked so a stored value cannot redirect the request.
    if (!isAwsRegion(region)) {
      throw new AppError("VALIDATION_ERROR", "Invalid AWS region", {
        details: [{ path: "config.region", message: "must be an AWS region such as us-east-1" }],
      });
    }
    return stripTrailingSlashes(template.replaceAll("{region}", region));
  }
  return stripTrailingSlashes(template);
}
