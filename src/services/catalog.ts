import { publicServiceSchema, type PublicService } from "../shared/api-schemas.js";
import { listServices } from "./registry.js";

export { getService, listServices, type ServiceDefinition, type ServiceDefinitionFor } from "./registry.js";
export type { AwsEnvVars, ConfigField } from "./provider-definition.js";
export type { AwsProviderDefinition as AwsServiceDefinition, StringProviderDefinition as StringServiceDefinition } from "./provider-definition.js";
// The shape of GET /api/services lives with the other API schemas, where the browser can use it too.
export { publicServiceSchema, type PublicService };

/** The catalog as plain, fresh JSON values (callers may mutate their copy). */
export function publicCatalog(): PublicService[] {
  return listServices().map((s) => ({
    id: s.id,
    label: s.label,
    valueKind: s.valueKind,
    formatHint: s.formatHint,
    keyPageUrl: s.keyPageUrl,
    envVars: s.valueKind === "aws" ? { ...s.envVars } : [...s.envVars],
    defaultBaseUrl: s.defaultBaseUrl,
    configFields: s.configFields.map((f) => ({ ...f })),
    keyShape: structuredClone(s.keyShape) as PublicService["keyShape"],
  }));
}
