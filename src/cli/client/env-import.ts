/**
 * What `keyhaven import-env` will create from a parsed `.env`: one key per recognised variable
 * (the providers' `envVars`), checked with the server's own format rules (services/key-format.ts)
 * so a wrong value is skipped with the reason before anything is sent. The AWS variables make
 * one key together. Values never appear in a reason.
 */
import { AppError } from "../../platform/errors.js";
import { normalizeKeyValue, type KeyValue } from "../../services/key-format.js";
import { getService, listServices } from "../../services/registry.js";
import type { ServiceId } from "../../shared/service-ids.js";
import type { DotenvEntry } from "./dotenv.js";

export interface PlannedKey {
  service: ServiceId;
  name: string;
  value: KeyValue;
  config?: Record<string, string>;
  /** The variables it came from (two Google aliases with one value make one key). */
  variables: string[];
  line: number;
}

export interface SkippedVariable {
  variables: string[];
  line: number;
  reason: string;
}

export interface ImportPlan {
  keys: PlannedKey[];
  skipped: SkippedVariable[];
  /** Variables that are not keys Keyhaven knows (names only). */
  ignored: string[];
}

/** Which string service each variable belongs to. */
function stringVariables(): Map<string, ServiceId> {
  const map = new Map<string, ServiceId>();
  for (const s of listServices()) if (s.valueKind === "string") for (const name of s.envVars) map.set(name, s.id);
  return map;
}

const reasonOf = (err: unknown) => (err instanceof AppError ? err.message : (err as Error).message);

function planAws(byName: Map<string, DotenvEntry>, source: string): { key?: PlannedKey; skipped?: SkippedVariable; used: string[] } {
  const names = getService("aws").envVars;
  const [id, secret, token, region] = [names.accessKeyId, names.secretAccessKey, names.sessionToken, names.region].map((n) => byName.get(n));
  const used = [id, secret, token, region].filter((e): e is DotenvEntry => e !== undefined);
  if (!id && !secret) return { used: [] };
  const variables = used.map((e) => e.name);
  const line = Math.min(...used.map((e) => e.line));
  if (!id || !secret) {
    const [have, missing] = id ? [names.accessKeyId, names.secretAccessKey] : [names.secretAccessKey, names.accessKeyId];
    return { skipped: { variables, line, reason: `${have} without ${missing}: AWS keys need both` }, used: variables };
  }
  try {
    const value = normalizeKeyValue("aws", { accessKeyId: id.value, secretAccessKey: secret.value, ...(token?.value ? { sessionToken: token.value } : {}) });
    const regionValue = region?.value.trim();
    return {
      key: { service: "aws", name: `AWS (${source})`, value, ...(regionValue ? { config: { region: regionValue } } : {}), variables, line },
      used: variables,
    };
  } catch (err) {
    return { skipped: { variables, line, reason: reasonOf(err) }, used: variables };
  }
}

/** `source` names the file in the key names: `OPENAI_API_KEY (.env)`. */
export function planImport(entries: readonly DotenvEntry[], source: string): ImportPlan {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const known = stringVariables();
  const plan: ImportPlan = { keys: [], skipped: [], ignored: [] };

  const aws = planAws(byName, source);
  const awsUsed = new Set(aws.used);
  for (const e of entries) {
    if (awsUsed.has(e.name)) {
      // Reported once, where the AWS group starts.
      if (aws.key && e.line === aws.key.line) plan.keys.push(aws.key);
      if (aws.skipped && e.line === aws.skipped.line) plan.skipped.push(aws.skipped);
      continue;
    }
    const service = known.get(e.name);
    if (!service) {
      plan.ignored.push(e.name);
      continue;
    }
    let value: KeyValue;
    try {
      value = normalizeKeyValue(service, e.value);
    } catch (err) {
      plan.skipped.push({ variables: [e.name], line: e.line, reason: reasonOf(err) });
      continue;
    }
    // GOOGLE_API_KEY and GEMINI_API_KEY often hold the same key: one key, both names.
    const same = plan.keys.find((k) => k.service === service && k.value === value);
    if (same) same.variables.push(e.name);
    else plan.keys.push({ service, name: `${e.name} (${source})`, value, variables: [e.name], line: e.line });
  }
  return plan;
}
