/**
 * Every service Keyhaven knows, one module each. Adding a service: its id in SERVICE_IDS
 * (src/shared/service-ids.ts) and its module in PROVIDERS below; the type checks and the
 * load-time check refuse one without the other.
 */
import { AppError } from "../platform/errors.js";
import { SERVICE_IDS, isServiceId, type ServiceId } from "../shared/service-ids.js";
import type { ProviderDefinition } from "./provider-definition.js";
import { anthropic } from "./providers/anthropic.js";
import { aws } from "./providers/aws.js";
import { custom } from "./providers/custom.js";
import { google } from "./providers/google.js";
import { groq } from "./providers/groq.js";
import { openai } from "./providers/openai.js";
import { xai } from "./providers/xai.js";

/** The registered modules; their order does not matter (listServices follows SERVICE_IDS). */
export const PROVIDERS = [openai, anthropic, google, groq, xai, aws, custom] as const;

type Registered = (typeof PROVIDERS)[number];

/** The definition of one id, with its own config and value types: `getService("aws").envVars` is the AWS object. */
export type ServiceDefinitionFor<S extends ServiceId> = Extract<Registered, { id: S }>;
export type ServiceDefinition = Registered;

// A compile error here names an id of SERVICE_IDS that has no module in PROVIDERS.
const everyIdHasAModule: [Exclude<ServiceId, Registered["id"]>] extends [never] ? true : never = true;
void everyIdHasAModule;

function deepFreeze<T>(value: T): T {
  // A RegExp stays unfrozen: matching writes its lastIndex.
  if (value && typeof value === "object" && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The modules by id; throws at load when SERVICE_IDS and the modules do not match one to one. */
export function indexProviders(ids: readonly string[], providers: readonly ProviderDefinition[]): Map<string, ProviderDefinition> {
  const byId = new Map<string, ProviderDefinition>();
  for (const p of providers) {
    if (!ids.includes(p.id)) throw new Error(`Provider module "${p.id}" is not in SERVICE_IDS`);
    if (byId.has(p.id)) throw new Error(`Two provider modules for "${p.id}"`);
    byId.set(p.id, deepFreeze(p));
  }
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new Error(`No provider module for: ${missing.join(", ")}`);
  return byId;
}

const BY_ID = indexProviders(SERVICE_IDS, PROVIDERS);

/** The definition of a known id, or undefined; for callers that must not throw. */
export function findService(id: string): ServiceDefinition | undefined {
  return isServiceId(id) ? (BY_ID.get(id) as ServiceDefinition) : undefined;
}

export function getService<S extends ServiceId>(id: S): ServiceDefinitionFor<S>;
export function getService(id: ServiceId): ServiceDefinition;
export function getService(id: ServiceId): ServiceDefinition {
  const found = findService(id);
  if (!found) {
    throw new AppError("VALIDATION_ERROR", `Unknown service; expected one of: ${SERVICE_IDS.join(", ")}`, {
      details: [{ path: "service", message: `must be one of: ${SERVICE_IDS.join(", ")}` }],
    });
  }
  return found;
}

/** Every service, in SERVICE_IDS order (the order the web app lists them in). */
export function listServices(): ServiceDefinition[] {
  return SERVICE_IDS.map((id) => BY_ID.get(id) as ServiceDefinition);
}
