/**
 * The price book's per-request cost: `cost()` on a model asked before (a cached hit), on an
 * unknown model asked before (a cached miss), and the first lookup of a model (the package's
 * own matching, through a named service and through `custom`, which tries every provider).
 *
 *   npx tsx bench/price-book.ts [--calls 2000000]
 *
 * Prints CPU ns per call for each, and the Node version. In-process, no database, no network.
 */
import { loadPriceBook, type TokenUsage } from "../src/usage/price-book.js";

const flag = process.argv.indexOf("--calls");
const CALLS = flag > 0 ? Number(process.argv[flag + 1]) : 2_000_000;
const usage: TokenUsage = { inputTokens: 12_000, outputTokens: 800, cachedInputTokens: 4_000 };

/**
 * CPU time of this process per call (user + system), not wall time: the box is shared, and a
 * busy neighbour stretches wall time without changing what a call costs.
 */
function nsPerCall(calls: number, fn: (i: number) => unknown): number {
  let sink = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) if (fn(i) !== null) sink++;
  const used = process.cpuUsage(t0);
  if (sink < 0) console.log(sink); // keeps the result alive
  return ((used.user + used.system) * 1000) / calls;
}

const t0 = performance.now();
const book = await loadPriceBook({});
console.log(`node ${process.version}; loadPriceBook: ${(performance.now() - t0).toFixed(0)} ms; ${book.describe().table}`);

for (let round = 1; round <= 2; round++) {
  const hot = nsPerCall(CALLS, () => book.cost("openai", "gpt-4o-2024-08-06", usage));
  const tiered = nsPerCall(CALLS, () => book.cost("anthropic", "claude-sonnet-4-5-20250929", usage));
  const miss = nsPerCall(CALLS, () => book.cost("openai", "gpt-imaginary-9", usage));
  console.log(`round ${round}: cost() hit ${hot.toFixed(0)} ns, tiered hit ${tiered.toFixed(0)} ns, cached miss ${miss.toFixed(0)} ns`);
}

// First lookups: each name new, so each goes to the package (then stays in the cache).
const cold = 200;
const firstNamed = nsPerCall(cold, (i) => book.cost("openai", `gpt-imaginary-${i}`, usage));
const firstCustom = nsPerCall(cold, (i) => book.cost("custom", `my-model-${i}`, usage));
const firstKnown = nsPerCall(1, () => book.cost("google", "gemini-2.5-flash", usage));
console.log(
  `first lookup: unknown via openai ${(firstNamed / 1000).toFixed(0)} µs, unknown via custom ${(firstCustom / 1000).toFixed(0)} µs, ` +
    `known (gemini-2.5-flash) ${(firstKnown / 1000).toFixed(0)} µs`,
);
