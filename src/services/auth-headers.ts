import { AppError } from "../platform/errors.js";
import type { ServiceId } from "../shared/service-ids.js";
import { getService } from "./registry.js";
import type { ServiceConfig } from "./service-config.js";

export { ANTHROPIC_VERSION } from "./providers/anthropic.js";

export type BaseUrlOverrides = Partial<Record<ServiceId, string>>;

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

type AnyConfig = Record<string, unknown> | undefined;

/**
 * The headers that authenticate a request to the service with `value`, as its provider
 * declares them. `config` is the key's normalized config.
 */
export function authHeadersFor<S extends ServiceId>(
  service: S,
  value: string,
  config?: ServiceConfig<S>,
): Record<string, string> {
  const definition = getService(service); // throws for an unknown id
  return (definition.authHeaders as (value: string, config: AnyConfig) => Record<string, string>)(value, config as AnyConfig);
}

/**
 * The API root to call for a key, without a trailing slash: the operator's override
 * (`KEYHAVEN_<SERVICE>_BASE_URL`, passed in by config) else the provider's public URL, which
 * the provider may adapt to the key (aws fills `{region}` from `config.region`; custom uses
 * `config.baseUrl` only).
 */
export function baseUrlFor<S extends ServiceId>(
  service: S,
  config?: ServiceConfig<S>,
  overrides: BaseUrlOverrides = {},
): string {
  const definition = getService(service);
  // An empty override counts as unset.
  const template = overrides[service] || definition.defaultBaseUrl;
  const hook = definition.baseUrl as ((config: AnyConfig, template: string | null) => string) | undefined;
  const url = hook ? hook(config as AnyConfig, template) : template;
  if (!url) throw new AppError("INTERNAL", `No base URL for service "${service}"`);
  return stripTrailingSlashes(url);
}
