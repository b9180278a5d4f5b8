/**
 * The operator's own prices (`KEYHAVEN_PRICES_FILE`), a JSON file read once at start-up:
 *
 *   { "prices": [
 *       { "service": "openai", "model": "gpt-4o", "inputPerMTokUsd": 2.5, "outputPerMTokUsd": 10,
 *         "cachedInputPerMTokUsd": 1.25, "maxOutputTokens": 16384 },
 *       { "service": "custom", "model": "llama3*", "inputPerMTokUsd": 0, "outputPerMTokUsd": 0 } ] }
 *
 * An entry prices one model wholly (nothing is taken from the table for it). `model` may hold
 * `*` (any characters); names compare without case and without a leading "models/". When
 * several entries match, an exact name beats a pattern, a named service beats "*", and then
 * the earlier entry wins. A file that does not fit is one line naming the file, the entry and
 * the field, and the server does not start.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { clip, EXIT, StartupError } from "../platform/errors.js";
import { SERVICE_IDS } from "../shared/service-ids.js";
import { flatRate, type Rates } from "./price-rates.js";

const usdPerMTok = z
  .number({ error: (iss) => (iss.input === undefined ? "missing" : "must be a number (USD per million tokens)") })
  .min(0, "must be 0 or more")
  .max(1_000_000, "must be at most 1000000 (USD per million tokens)");

const priceOverrideSchema = z
  .object({
    service: z.enum([...SERVICE_IDS, "*"], {
      error: (iss) => (iss.input === undefined ? "missing" : `must be one of: ${SERVICE_IDS.join(", ")}, *`),
    }),
    model: z
      .string({ error: (iss) => (iss.input === undefined ? "missing" : "must be a string") })
      .trim()
      .min(1, "must not be empty")
      .max(200, "must be at most 200 characters"),
    inputPerMTokUsd: usdPerMTok,
    outputPerMTokUsd: usdPerMTok,
    cachedInputPerMTokUsd: usdPerMTok.nullable().optional(),
    cacheWritePerMTokUsd: usdPerMTok.nullable().optional(),
    maxOutputTokens: z
      .number({ error: "must be a whole number of tokens" })
      .int("must be a whole number of tokens")
      .positive("must be 1 or more")
      .nullable()
      .optional(),
  })
  .strict();

export const priceOverridesFileSchema = z
  .object({
    prices: z.array(priceOverrideSchema, { error: (iss) => (iss.input === undefined ? "missing" : "must be a list") }).max(10_000),
  })
  .strict();

export type PriceOverride = z.infer<typeof priceOverrideSchema>;

/** How model names compare, in the table lookup and here alike. */
export function normalizeModel(model: string): string {
  const m = model.trim().toLowerCase();
  return m.startsWith("models/") ? m.slice("models/".length) : m;
}

export interface PriceOverrides {
  /** The operator's price for `model` (normalized) through `service`, or null. */
  match(service: string, model: string): Rates | null;
  readonly count: number;
}

function ratesOf(o: PriceOverride): Rates {
  const optional = (v: number | null | undefined) => (v === null || v === undefined ? null : flatRate(v));
  return {
    input: flatRate(o.inputPerMTokUsd),
    output: flatRate(o.outputPerMTokUsd),
    cacheRead: optional(o.cachedInputPerMTokUsd),
    cacheWrite: optional(o.cacheWritePerMTokUsd),
    perRequestUsd: 0,
    maxOutputTokens: o.maxOutputTokens ?? null,
    source: "override",
  };
}

const globToRegExp = (pattern: string) =>
  new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");

export function compilePriceOverrides(entries: readonly PriceOverride[]): PriceOverrides {
  const exact = new Map<string, Rates>(); // "service\0model", service may be "*"
  const named: { service: string; test: RegExp; rates: Rates }[] = [];
  const anyService: { test: RegExp; rates: Rates }[] = [];
  for (const o of entries) {
    const model = normalizeModel(o.model);
    const rates = ratesOf(o);
    if (!model.includes("*")) {
      if (!exact.has(`${o.service}\0${model}`)) exact.set(`${o.service}\0${model}`, rates);
    } else if (o.service === "*") anyService.push({ test: globToRegExp(model), rates });
    else named.push({ service: o.service, test: globToRegExp(model), rates });
  }
  return {
    count: entries.length,
    match(service, model) {
      const hit = exact.get(`${service}\0${model}`) ?? exact.get(`*\0${model}`);
      if (hit) return hit;
      for (const p of named) if (p.service === service && p.test.test(model)) return p.rates;
      for (const p of anyService) if (p.test.test(model)) return p.rates;
      return null;
    },
  };
}

const fieldPath = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("") || "(top level)";

function problems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const at = fieldPath(issue.path);
      if (issue.code === "unrecognized_keys") return issue.keys.map((k) => `${at}.${k}: unknown field`).join("; ");
      return `${at}: ${issue.message}`;
    })
    .join("; ");
}

/** Two entries for the same service and model: the operator meant one of them, say which clash. */
function duplicateProblem(entries: readonly PriceOverride[]): string | null {
  const seen = new Map<string, number>();
  for (const [i, o] of entries.entries()) {
    const key = `${o.service}\0${normalizeModel(o.model)}`;
    const first = seen.get(key);
    if (first !== undefined) return `prices[${i}]: same service and model as prices[${first}] (${o.service} ${o.model})`;
    seen.set(key, i);
  }
  return null;
}

/** The file's entries, or a StartupError (exit code EXIT.CONFIG) naming the file and what is wrong. */
export async function readPriceOverrides(file: string): Promise<PriceOverride[]> {
  // One line whatever the parser quoted from the file (newer Node versions quote a piece of it).
  const fail = (why: string) => new StartupError(clip(`price overrides file ${file}: ${why}`.replace(/\s+/g, " "), 500), EXIT.CONFIG);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); fix the path or unset KEYHAVEN_PRICES_FILE`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`not valid JSON (${(err as Error).message})`);
  }
  const parsed = priceOverridesFileSchema.safeParse(json);
  if (!parsed.success) throw fail(problems(parsed.error));
  const duplicate = duplicateProblem(parsed.data.prices);
  if (duplicate) throw fail(duplicate);
  return parsed.data.prices;
}
