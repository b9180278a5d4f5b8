/**
 * What a model costs through a service: the operator's overrides first, then the package table
 * (price-table.ts). An unknown model has no price (null), never 0: only an override can make a
 * model free. Lookups run on every forwarded request, so each (service, model) is resolved
 * once and kept in a bounded map, misses included; a repeated model costs one Map hit.
 */
import { setBounded } from "../platform/bounded-map.js";
import { compilePriceOverrides, normalizeModel, readPriceOverrides, type PriceOverrides } from "./price-overrides.js";
import { ratesAt, usageCost, worstCaseCost, type PriceSchedule, type Rates, type TokenUsage } from "./price-rates.js";
import { loadPriceTable, type PriceTable } from "./price-table.js";

export type { TokenUsage } from "./price-rates.js";

export interface ModelPrice {
  inputPerMTokUsd: number;
  outputPerMTokUsd: number;
  cachedInputPerMTokUsd: number | null;
  cacheWritePerMTokUsd: number | null;
  maxOutputTokens: number | null;
  source: "table" | "override";
}

export interface PriceBook {
  /**
   * The price of `model` as called through `service` ("openai" | "anthropic" | "google" | "groq"
   * | "xai" | "custom"), or null when unknown. `custom` matches the name against every provider.
   * Ids as the APIs report them, dated snapshots and Gemini's "models/" prefix included. Tiered
   * prices are given at their base (short-context) rate; `cost` applies the tiers.
   */
  find(service: string, model: string): ModelPrice | null;
  /** USD for one request's usage, or null when the model has no price (never 0 for unknown). */
  cost(service: string, model: string, usage: TokenUsage): number | null;
  /** USD if the request used all of `inputTokensEstimate` uncached and `maxOutputTokens`, or null when unpriced. */
  worstCase(service: string, model: string, inputTokensEstimate: number, maxOutputTokens: number): number | null;
  /** Where the prices come from, for the README and the UI. */
  describe(): { table: string; overridesFile: string | null; overrides: number };
}

export interface PriceBookOptions {
  /** The operator's price file (`KEYHAVEN_PRICES_FILE`), or none. */
  overridesFile?: string | null;
  /** Distinct models remembered per service; 4096 by default. */
  cacheSize?: number;
  /** The clock for prices that depend on the time of day; Date.now by default. */
  now?: () => number;
}

const DEFAULT_CACHE_SIZE = 4096;
/** Services are Keyhaven's few ids; the bound only guards against a caller passing free text. */
const MAX_SERVICES = 32;
/** Longer model ids are priced as unknown without a lookup (real ids are well under 100 characters). */
const MAX_MODEL_LENGTH = 256;

function modelPrice(rates: Rates): ModelPrice {
  return {
    inputPerMTokUsd: rates.input.base,
    outputPerMTokUsd: rates.output.base,
    cachedInputPerMTokUsd: rates.cacheRead?.base ?? null,
    cacheWritePerMTokUsd: rates.cacheWrite?.base ?? null,
    maxOutputTokens: rates.maxOutputTokens,
    source: rates.source,
  };
}

/** The price book over a loaded table and compiled overrides (loadPriceBook loads both). */
export function createPriceBook(
  table: PriceTable,
  overrides: PriceOverrides | null,
  opts: { overridesFile?: string | null; cacheSize?: number; now?: () => number } = {},
): PriceBook {
  const cacheSize = opts.cacheSize ?? DEFAULT_CACHE_SIZE;
  const now = opts.now ?? Date.now;
  // service → model → schedule (null: no price). Two levels, so a hit builds no key string:
  // the model string from the request is hashed once by the Map, nothing is allocated.
  const cache = new Map<string, Map<string, PriceSchedule | null>>();

  function resolve(service: string, model: string): PriceSchedule | null {
    const s = service.trim().toLowerCase();
    const m = normalizeModel(model);
    if (!m) return null;
    const override = overrides?.match(s, m);
    if (override) return { fixed: override };
    return table.lookup(s, m);
  }

  function rates(service: string, model: string): Rates | null {
    // A client chooses the model string: a huge one is no model, and must not sit in the cache.
    if (model.length > MAX_MODEL_LENGTH) return null;
    let models = cache.get(service);
    if (!models) {
      models = new Map();
      setBounded(cache, service, models, MAX_SERVICES);
    }
    let schedule = models.get(model);
    if (schedule === undefined) {
      schedule = resolve(service, model);
      setBounded(models, model, schedule, cacheSize);
    }
    if (schedule === null) return null;
    return "fixed" in schedule ? schedule.fixed : ratesAt(schedule, now());
  }

  return {
    find(service, model) {
      const r = rates(service, model);
      return r && modelPrice(r);
    },
    cost(service, model, usage) {
      const r = rates(service, model);
      return r && usageCost(r, usage);
    },
    worstCase(service, model, inputTokensEstimate, maxOutputTokens) {
      const r = rates(service, model);
      return r && worstCaseCost(r, inputTokensEstimate, maxOutputTokens);
    },
    describe() {
      return { table: `${table.label} (bundled data, never fetched at run time)`, overridesFile: opts.overridesFile ?? null, overrides: overrides?.count ?? 0 };
    },
  };
}

/**
 * Loads the package table and the overrides file. Async: the package is imported on demand
 * (it is large) and the file read. Rejects with a StartupError (EXIT.CONFIG) for a bad file.
 */
export async function loadPriceBook(opts: PriceBookOptions = {}): Promise<PriceBook> {
  const file = opts.overridesFile || null;
  const overrides = file ? compilePriceOverrides(await readPriceOverrides(file)) : null;
  const table = await loadPriceTable();
  return createPriceBook(table, overrides, { ...opts, overridesFile: file });
}
