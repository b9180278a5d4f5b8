import { z } from "zod";
import { AppError, clip, ERROR_LIMITS, type ErrorDetail } from "../platform/errors.js";
import type { ServiceId } from "../shared/service-ids.js";
import { emptyConfigSchema, type ConfigSchema, type EmptyConfig, type ServiceConfigOptions } from "./provider-definition.js";
import { findService, type ServiceDefinitionFor } from "./registry.js";

export { DEFAULT_AWS_REGION, DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX } from "../shared/service-defaults.js";
export { AWS_REGION_PATTERN, awsConfigSchema, isAwsRegion, type AwsConfig } from "./providers/aws.js";
export { customConfigSchema, headerNameProblem, headerPrefixProblem, type CustomConfig } from "./providers/custom.js";
export { emptyConfigSchema, type EmptyConfig, type ServiceConfigOptions };

/** Each service's normalized config, as its provider's configSchema outputs it. */
export type ServiceConfigMap = {
  [S in ServiceId]: ServiceDefinitionFor<S>["configSchema"] extends (opts: ServiceConfigOptions) => ConfigSchema<infer C> ? C : never;
};

export type ServiceConfig<S extends ServiceId = ServiceId> = ServiceConfigMap[S];

/** The service's config schema; an unknown id gets the empty one (callers check ids on their own). */
export function configSchemaFor(service: ServiceId, opts: ServiceConfigOptions = {}): ConfigSchema<ServiceConfig> {
  return (findService(service)?.configSchema(opts) ?? emptyConfigSchema) as ConfigSchema<ServiceConfig>;
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
