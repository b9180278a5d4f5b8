/**
 * Which environment variables `keyhaven run` sets, derived from each provider's `envVars`
 * (src/services/providers/<id>.ts), the same names the library falls back to: a service added
 * there is exported here with no second table. Custom endpoints have no standard variable and
 * are not exported.
 */
import { getService, listServices } from "../../services/registry.js";
import { isServiceId, type ServiceId } from "../../shared/service-ids.js";
import type { ResolvedKey } from "./api-client.js";
import { usageError } from "./cli-error.js";

/** The services with at least one variable, in catalog order. */
export function runServices(): ServiceId[] {
  return listServices()
    .filter((s) => (s.valueKind === "aws" ? true : s.envVars.length > 0))
    .map((s) => s.id);
}

/** `--only a,b` checked: known ids with variables, no duplicates. */
export function parseOnly(raw: string): ServiceId[] {
  const exported = new Set<string>(runServices());
  const ids = [...new Set(raw.split(",").map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw usageError("--only needs a comma-separated list of services, e.g. --only openai,anthropic");
  for (const id of ids) {
    if (!isServiceId(id)) throw usageError(`unknown service "${id}" in --only; expected some of: ${[...exported].join(", ")}`);
    if (!exported.has(id)) {
      throw usageError(`${id} keys have no standard environment variable, so keyhaven run does not export them (use keyhaven get ${id})`);
    }
  }
  return ids as ServiceId[];
}

/** Every variable name `run` may set for `service` (all Google aliases; all four AWS parts). */
export function variablesOf(service: ServiceId): string[] {
  const def = getService(service);
  return def.valueKind === "aws" ? Object.values(def.envVars) : [...def.envVars];
}

/**
 * The variables for the resolved keys. Variables of a resolved service that this key does not
 * fill (an AWS session token for long-term credentials) are listed in `unset`, so a stale one
 * from the parent environment cannot pair with the new key.
 */
export function runVariables(results: Readonly<Record<string, ResolvedKey | null | undefined>>): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const service of runServices()) {
    const found = results[service];
    if (!found) continue;
    const def = getService(service);
    if (def.valueKind === "aws") {
      const names = def.envVars;
      const creds = found.credentials;
      if (!creds) continue;
      set[names.accessKeyId] = creds.accessKeyId;
      set[names.secretAccessKey] = creds.secretAccessKey;
      if (creds.sessionToken) set[names.sessionToken] = creds.sessionToken;
      else unset.push(names.sessionToken);
      if (found.region) set[names.region] = found.region;
    } else {
      for (const name of def.envVars) set[name] = found.apiKey;
    }
  }
  return { set, unset };
}

/** The `AWS_…=…` lines `keyhaven get aws` prints, in the order the variables are declared. */
export function awsLines(found: ResolvedKey): string[] {
  const names = getService("aws").envVars;
  const creds = found.credentials;
  if (!creds) return [];
  const lines = [`${names.accessKeyId}=${creds.accessKeyId}`, `${names.secretAccessKey}=${creds.secretAccessKey}`];
  if (creds.sessionToken) lines.push(`${names.sessionToken}=${creds.sessionToken}`);
  if (found.region) lines.push(`${names.region}=${found.region}`);
  return lines;
}
