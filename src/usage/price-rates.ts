/**
 * The price of one model as the price book keeps it, whichever its source (the package table or
 * the operator's overrides), and the arithmetic over it. Pure: no I/O, no package import.
 */

/** A rate that rises once a request's input passes `start` tokens (long-context pricing). */
export interface Tier {
  readonly start: number;
  readonly price: number;
}

/** USD per million tokens: `base`, or the last tier whose `start` the request's input exceeds. */
export interface Rate {
  readonly base: number;
  /** Ascending by `start`. */
  readonly tiers: readonly Tier[];
}

export interface Rates {
  readonly input: Rate;
  readonly output: Rate;
  /** null: the source has no cached-input price; cached tokens then cost the input rate. */
  readonly cacheRead: Rate | null;
  /** null: the source has no cache-write price; written tokens then cost the input rate. */
  readonly cacheWrite: Rate | null;
  /** A flat fee per request (a few search models charge one), 0 for most. */
  readonly perRequestUsd: number;
  readonly maxOutputTokens: number | null;
  readonly source: "table" | "override";
}

/** One period of a model whose price depends on the date or the time of day (off-peak discounts). */
export interface PricePeriod {
  readonly rates: Rates;
  /** Applies from this instant on (ms since the epoch). */
  readonly fromMs?: number;
  /** Applies daily between these seconds of the UTC day, end excluded; may wrap past midnight. */
  readonly daily?: { readonly startSec: number; readonly endSec: number };
}

/**
 * A model's price: fixed, or periods tried from the last to the first, the first that applies
 * winning and the first period being the default (the package's own rule, so both agree).
 */
export type PriceSchedule = { readonly fixed: Rates } | { readonly periods: readonly PricePeriod[] };

export const flatRate = (price: number): Rate => ({ base: price, tiers: [] });

export function rateFor(rate: Rate, inputTokens: number): number {
  let price = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

const DAY_SEC = 86_400;

export function ratesAt(schedule: PriceSchedule, nowMs: number): Rates {
  if ("fixed" in schedule) return schedule.fixed;
  const periods = schedule.periods;
  const secOfDay = Math.floor(nowMs / 1000) % DAY_SEC;
  for (let i = periods.length - 1; i > 0; i--) {
    const p = periods[i];
    if (p.fromMs !== undefined && nowMs < p.fromMs) continue;
    if (p.daily) {
      const { startSec, endSec } = p.daily;
      const inside = endSec < startSec ? secOfDay >= startSec || secOfDay < endSec : secOfDay >= startSec && secOfDay < endSec;
      if (!inside) continue;
    }
    return p.rates;
  }
  return periods[0].rates;
}

/** Token counts of one request. `inputTokens` includes the cached and the cache-written ones. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (part of `inputTokens`). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's prompt cache (part of `inputTokens`), when reported. */
  cacheWriteTokens?: number;
}

/** A count from a provider's answer: anything but a finite non-negative number counts as 0. */
const count = (n: number | undefined): number => (n !== undefined && n > 0 && Number.isFinite(n) ? n : 0);

/**
 * USD for one request. Cached and cache-written tokens are carved out of the input (never more
 * than it holds), each at its own rate when the source has one. Tiers are chosen by the whole
 * input, as providers bill them. One division at the end keeps round inputs exact.
 */
export function usageCost(rates: Rates, usage: TokenUsage): number {
  const input = count(usage.inputTokens);
  const cached = Math.min(count(usage.cachedInputTokens), input);
  const written = Math.min(count(usage.cacheWriteTokens), input - cached);
  const plain = input - cached - written;
  const micro =
    plain * rateFor(rates.input, input) +
    cached * rateFor(rates.cacheRead ?? rates.input, input) +
    written * rateFor(rates.cacheWrite ?? rates.input, input) +
    count(usage.outputTokens) * rateFor(rates.output, input);
  return micro / 1e6 + rates.perRequestUsd;
}

/** The most a request can cost before it is sent: all input uncached, every allowed output token. */
export function worstCaseCost(rates: Rates, inputTokens: number, maxOutputTokens: number): number {
  const input = count(inputTokens);
  const micro = input * rateFor(rates.input, input) + count(maxOutputTokens) * rateFor(rates.output, input);
  return micro / 1e6 + rates.perRequestUsd;
}
