/**
 * The maintained price table: the data bundled in the npm package `@pydantic/genai-prices`
 * (MIT, no dependencies, updated by its maintainers as providers change prices; a Keyhaven
 * release picks up new prices by updating the package). The package can also download newer
 * data at run time, but only after `updatePrices()` is called: Keyhaven never calls it, so
 * prices never come from the network.
 *
 * Which model an id means is the package's own decision (its matching rules know dated
 * snapshots, aliases and each provider's spelling); its result is turned into our `Rates` once
 * and cached by the price book, because one `calcPrice` takes tens of microseconds.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ModelInfo, ModelPrice as TableModelPrice, Provider } from "@pydantic/genai-prices";
import { flatRate, type PricePeriod, type PriceSchedule, type Rate, type Rates } from "./price-rates.js";

export const PRICE_PACKAGE = "@pydantic/genai-prices";

/** Keyhaven's service ids that the package spells otherwise; the rest are the same. */
const PROVIDER_OF_SERVICE: Record<string, string> = { xai: "x-ai" };

/** Tried first for `custom` services (their model names are usually one of these providers'). */
const FIRST_PARTY = ["openai", "anthropic", "google", "groq", "x-ai"];

export interface PriceTable {
  /** The price of `model` (already lower-cased, trimmed, without "models/") through `service`, or null. */
  lookup(service: string, model: string): PriceSchedule | null;
  /** "package version", for describe(). */
  readonly label: string;
}

function packageVersion(): string {
  // The package exports no package.json: find it beside the entry point Node resolves.
  try {
    const entry = createRequire(import.meta.url).resolve(PRICE_PACKAGE);
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : "unknown version";
  } catch {
    return "unknown version";
  }
}

function toRate(value: TableModelPrice[string]): Rate | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? flatRate(value) : null;
  if (value && typeof value.base === "number" && Array.isArray(value.tiers)) {
    const tiers = value.tiers.map((t) => ({ start: t.start, price: t.price })).sort((a, b) => a.start - b.start);
    return { base: value.base, tiers };
  }
  return null;
}

/** Token rates of one price entry; null when it prices no text tokens (audio by the hour, images…). */
function toRates(prices: TableModelPrice): Rates | null {
  const input = toRate(prices.input_mtok);
  const output = toRate(prices.output_mtok);
  if (!input && !output) return null;
  const requestsPerK = prices.requests_kcount;
  return {
    input: input ?? flatRate(0), // an embedding model has no output price: it produces no output tokens
    output: output ?? flatRate(0),
    cacheRead: toRate(prices.cache_read_mtok),
    cacheWrite: toRate(prices.cache_write_mtok),
    perRequestUsd: typeof requestsPerK === "number" ? requestsPerK / 1000 : 0,
    maxOutputTokens: null, // the package has context windows, not output limits
    source: "table",
  };
}

/** "HH:MM:SS[.fff](Z|±HH:MM)" as seconds of the UTC day, or null. */
function utcSecondsOfDay(text: string): number | null {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return null;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const offset = m[4] === "Z" ? 0 : (m[5] === "+" ? 1 : -1) * (Number(m[6]) * 3600 + Number(m[7]) * 60);
  return (((local - offset) % 86_400) + 86_400) % 86_400;
}

function toSchedule(model: ModelInfo): PriceSchedule | null {
  if (!Array.isArray(model.prices)) {
    const fixed = toRates(model.prices);
    return fixed && { fixed };
  }
  const periods: PricePeriod[] = [];
  for (const conditional of model.prices) {
    const rates = toRates(conditional.prices);
    if (!rates) return null;
    const c = conditional.constraint;
    if (!c) periods.push({ rates });
    else if ("start_date" in c) periods.push({ rates, fromMs: Date.parse(`${c.start_date}T00:00:00Z`) });
    else {
      const startSec = utcSecondsOfDay(c.start_time);
      const endSec = utcSecondsOfDay(c.end_time);
      if (startSec === null || endSec === null) return null;
      periods.push({ rates, daily: { startSec, endSec } });
    }
  }
  return periods.length ? { periods } : null;
}

/** Loads the package (about 2 MB of data, ~0.3 s: only when a price book is wanted). */
export async function loadPriceTable(): Promise<PriceTable> {
  const lib = await import("@pydantic/genai-prices");
  // Resolves at once with the bundled data: nothing was asked to update it.
  const providers: Provider[] = (await lib.waitForUpdate()) ?? [];
  const order = [...FIRST_PARTY, ...providers.map((p) => p.id).filter((id) => !FIRST_PARTY.includes(id))];

  function modelIn(providerId: string | undefined, model: string): ModelInfo | null {
    try {
      return lib.calcPrice({}, model, providerId === undefined ? {} : { providerId })?.model ?? null;
    } catch {
      return null; // a data entry the package itself cannot price: unknown, not free
    }
  }

  function lookup(service: string, model: string): PriceSchedule | null {
    let found: ModelInfo | null;
    if (service === "custom") {
      // Any OpenAI-compatible server: the package's guess from the name, then every provider.
      found = modelIn(undefined, model);
      for (let i = 0; !found && i < order.length; i++) found = modelIn(order[i], model);
    } else {
      found = modelIn(PROVIDER_OF_SERVICE[service] ?? service, model);
    }
    return found && toSchedule(found);
  }

  return { lookup, label: `${PRICE_PACKAGE} ${packageVersion()}` };
}
