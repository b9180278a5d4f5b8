/**
 * The price book over the real package data (no network: fetch is a tripwire for the whole
 * file) and the operator's override files: well-known models priced as the package itself
 * prices them, dated and prefixed ids, unknown models never free, overrides winning, adding,
 * pricing at 0 and matching patterns, exact arithmetic on known numbers, and each bad file
 * refused with one line that names the file, the entry and the field.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { calcPrice } from "@pydantic/genai-prices";
import { loadPriceBook, type PriceBook, type TokenUsage } from "../../src/usage/price-book.js";
import { EXIT, StartupError } from "../../src/platform/errors.js";
import { tempDir } from "../support/databases.js";

const fetched: string[] = [];
const dir = tempDir("keyhaven-prices-");

beforeAll(() => {
  vi.stubGlobal("fetch", (url: unknown) => {
    fetched.push(String(url));
    return Promise.reject(new Error("no network in the price book"));
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
  fs.rmSync(dir, { recursive: true, force: true });
});

let fileNo = 0;
function priceFile(content: unknown): string {
  const file = path.join(dir, `prices-${++fileNo}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** Our usage in the package's words (its input_tokens also include cache reads and writes). */
const packageUsage = (u: TokenUsage) => ({
  input_tokens: u.inputTokens,
  cache_read_tokens: u.cachedInputTokens,
  cache_write_tokens: u.cacheWriteTokens ?? 0,
  output_tokens: u.outputTokens,
});

const WELL_KNOWN = [
  { service: "openai", model: "gpt-4o", provider: "openai" },
  { service: "anthropic", model: "claude-sonnet-4-5", provider: "anthropic" },
  { service: "google", model: "gemini-2.0-flash", provider: "google" },
  { service: "google", model: "gemini-2.5-flash", provider: "google" },
  { service: "groq", model: "llama-3.3-70b-versatile", provider: "groq" },
  { service: "xai", model: "grok-4", provider: "x-ai" },
] as const;

const USAGES: TokenUsage[] = [
  { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 0 },
  { inputTokens: 12_345, outputTokens: 678, cachedInputTokens: 4_000 },
  { inputTokens: 50_000, outputTokens: 1_000, cachedInputTokens: 10_000, cacheWriteTokens: 20_000 },
];

describe("the package table", () => {
  let book: PriceBook;
  beforeAll(async () => {
    book = await loadPriceBook({});
  });

  it.each(WELL_KNOWN)("prices $service $model plausibly, as the package does", ({ service, model, provider }) => {
    const price = book.find(service, model);
    expect(price, `${service} ${model}`).not.toBeNull();
    expect(price!.source).toBe("table");
    expect(price!.inputPerMTokUsd).toBeGreaterThan(0);
    expect(price!.inputPerMTokUsd).toBeLessThan(100);
    expect(price!.outputPerMTokUsd).toBeGreaterThanOrEqual(price!.inputPerMTokUsd);
    if (price!.cachedInputPerMTokUsd !== null) expect(price!.cachedInputPerMTokUsd).toBeLessThan(price!.inputPerMTokUsd);
    for (const usage of USAGES) {
      const theirs = calcPrice(packageUsage(usage), model, { providerId: provider });
      expect(theirs, `package prices ${provider} ${model}`).not.toBeNull();
      const ours = book.cost(service, model, usage);
      expect(ours).toBeGreaterThan(0);
      expect(ours).toBeCloseTo(theirs!.total_price, 12);
    }
  });

  it.each([
    ["openai", "gpt-4o-2024-08-06", "gpt-4o"],
    ["openai", " GPT-4o ", "gpt-4o"],
    ["anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["google", "models/gemini-2.0-flash", "gemini-2.0-flash"],
  ])("resolves %s %j as %j", (service, id, plain) => {
    expect(book.find(service, id)).not.toBeNull();
    expect(book.find(service, id)).toEqual(book.find(service, plain));
  });

  it("prices a custom service's model by its name, from any provider", () => {
    expect(book.find("custom", "gpt-4o")).toEqual(book.find("openai", "gpt-4o"));
    expect(book.find("custom", "llama-3.3-70b-versatile")).toEqual(book.find("groq", "llama-3.3-70b-versatile"));
  });

  it("applies long-context tiers by the whole input, as the package does", () => {
    const model = "gemini-2.5-pro";
    const short: TokenUsage = { inputTokens: 100_000, outputTokens: 1_000, cachedInputTokens: 20_000 };
    const long: TokenUsage = { inputTokens: 300_000, outputTokens: 1_000, cachedInputTokens: 20_000 };
    for (const usage of [short, long]) {
      expect(book.cost("google", model, usage)).toBeCloseTo(calcPrice(packageUsage(usage), model, { providerId: "google" })!.total_price, 12);
    }
    // The table has a higher rate past 200k for this model: three times the input costs more than three times as much.
    expect(book.cost("google", model, long)! - book.cost("google", model, short)!).toBeGreaterThan(0);
    const perInputToken = (u: TokenUsage) => book.worstCase("google", model, u.inputTokens, 0)! / u.inputTokens;
    expect(perInputToken(long)).toBeGreaterThan(perInputToken(short));
  });

  it("follows time-of-day prices at the book's clock, as the package does", async () => {
    for (const at of ["2026-01-15T10:00:00Z", "2026-01-15T20:00:00Z"]) {
      const clocked = await loadPriceBook({ now: () => Date.parse(at) });
      const usage = USAGES[1];
      const theirs = calcPrice(packageUsage(usage), "deepseek-chat", { providerId: "deepseek", timestamp: new Date(at) });
      expect(theirs, "the package prices deepseek-chat").not.toBeNull();
      expect(clocked.cost("custom", "deepseek-chat", usage)).toBeCloseTo(theirs!.total_price, 12);
    }
  });

  it("gives no price, never 0, for an unknown model or service", () => {
    for (const [service, model] of [
      ["openai", "gpt-imaginary-9"],
      ["custom", "my-own-model-7b"],
      ["nosuchservice", "gpt-4o"],
      ["openai", ""],
      ["custom", `gpt-4o${"x".repeat(300)}`],
    ]) {
      expect(book.find(service, model)).toBeNull();
      expect(book.cost(service, model, USAGES[0])).toBeNull();
      expect(book.worstCase(service, model, 1000, 1000)).toBeNull();
    }
  });

  it("stays right when the cache is smaller than the models asked for", async () => {
    const tiny = await loadPriceBook({ cacheSize: 2 });
    const models = WELL_KNOWN.map((m) => [m.service, m.model] as const);
    for (let round = 0; round < 3; round++) {
      for (const [s, m] of models) expect(tiny.find(s, m)).toEqual(book.find(s, m));
      expect(tiny.find("openai", "gpt-imaginary-9")).toBeNull();
    }
  });

  it("says where its prices come from, and never went to the network", () => {
    const installed = JSON.parse(fs.readFileSync("node_modules/@pydantic/genai-prices/package.json", "utf8")) as { version: string };
    expect(book.describe()).toEqual({
      table: `@pydantic/genai-prices ${installed.version} (bundled data, never fetched at run time)`,
      overridesFile: null,
      overrides: 0,
    });
    expect(fetched).toEqual([]);
  });
});

describe("operator overrides", () => {
  let book: PriceBook;
  let file: string;
  beforeAll(async () => {
    file = priceFile({
      prices: [
        { service: "openai", model: "gpt-4o", inputPerMTokUsd: 2, outputPerMTokUsd: 8, cachedInputPerMTokUsd: 0.5, cacheWritePerMTokUsd: 2.5, maxOutputTokens: 16384 },
        { service: "custom", model: "My-Finetune-v1", inputPerMTokUsd: 3, outputPerMTokUsd: 6 },
        { service: "custom", model: "llama3*", inputPerMTokUsd: 0, outputPerMTokUsd: 0 },
        { service: "*", model: "team-*", inputPerMTokUsd: 1, outputPerMTokUsd: 1 },
        { service: "groq", model: "team-*", inputPerMTokUsd: 7, outputPerMTokUsd: 7 },
        { service: "*", model: "team-exact", inputPerMTokUsd: 4, outputPerMTokUsd: 4 },
        { service: "google", model: "models/gemini-private", inputPerMTokUsd: 5, outputPerMTokUsd: 5, cachedInputPerMTokUsd: null },
      ],
    });
    book = await loadPriceBook({ overridesFile: file });
  });

  it("wins over the table for the name it gives; other ids of the model keep the table's price", async () => {
    expect(book.find("openai", "gpt-4o")).toEqual({
      inputPerMTokUsd: 2,
      outputPerMTokUsd: 8,
      cachedInputPerMTokUsd: 0.5,
      cacheWritePerMTokUsd: 2.5,
      maxOutputTokens: 16384,
      source: "override",
    });
    const plain = await loadPriceBook({});
    expect(book.find("openai", "gpt-4o-2024-08-06")).toEqual(plain.find("openai", "gpt-4o-2024-08-06"));
    expect(book.find("anthropic", "claude-sonnet-4-5")).toEqual(plain.find("anthropic", "claude-sonnet-4-5"));
  });

  it("adds a model the table lacks, names compared without case or models/ prefix", () => {
    expect(book.find("custom", "my-finetune-v1")).toMatchObject({ inputPerMTokUsd: 3, outputPerMTokUsd: 6, cachedInputPerMTokUsd: null, source: "override" });
    expect(book.find("google", "gemini-private")).toMatchObject({ inputPerMTokUsd: 5, source: "override" });
    expect(book.find("google", "models/GEMINI-PRIVATE")).toMatchObject({ inputPerMTokUsd: 5, source: "override" });
    expect(book.find("openai", "my-finetune-v1")).toBeNull(); // priced for custom only
  });

  it("prices a model at an explicit 0: free, not unknown", () => {
    expect(book.cost("custom", "llama3.1:8b", { inputTokens: 5000, outputTokens: 5000, cachedInputTokens: 1000 })).toBe(0);
    expect(book.worstCase("custom", "llama3-70b", 100_000, 8_000)).toBe(0);
    expect(book.find("custom", "llama3")).toMatchObject({ inputPerMTokUsd: 0, outputPerMTokUsd: 0, source: "override" });
  });

  it("matches patterns: an exact name beats a pattern, a named service beats *", () => {
    expect(book.find("openai", "team-a")?.inputPerMTokUsd).toBe(1);
    expect(book.find("custom", "team-b-v2")?.inputPerMTokUsd).toBe(1);
    expect(book.find("groq", "team-a")?.inputPerMTokUsd).toBe(7);
    expect(book.find("groq", "team-exact")?.inputPerMTokUsd).toBe(4);
    expect(book.find("custom", "xteam-a")).toBeNull();
  });

  it("costs cached and cache-written input at their own rates, exactly", () => {
    // 500k plain × 2 + 400k cached × 0.5 + 100k written × 2.5 + 250k out × 8 = 3.45 M micro-USD
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, cacheWriteTokens: 100_000, outputTokens: 250_000 };
    expect(book.cost("openai", "gpt-4o", usage)).toBe(3.45);
    // No cached rate in the entry: cached tokens cost the input rate (1M × 3 + 250k × 6).
    expect(book.cost("custom", "my-finetune-v1", usage)).toBe(4.5);
    // More cached than input (a provider's odd report): never more than the input itself.
    expect(book.cost("openai", "gpt-4o", { inputTokens: 1_000_000, cachedInputTokens: 2_000_000, outputTokens: 0 })).toBe(0.5);
  });

  it("computes the worst case at the input and output rates, exactly", () => {
    expect(book.worstCase("openai", "gpt-4o", 150_000, 50_000)).toBe(0.7);
    expect(book.worstCase("custom", "my-finetune-v1", 1_000_000, 1_000_000)).toBe(9);
  });

  it("says which file it read and how many entries", () => {
    expect(book.describe()).toMatchObject({ overridesFile: file, overrides: 7 });
  });
});

describe("a bad overrides file", () => {
  const entry = { service: "openai", model: "gpt-4o", inputPerMTokUsd: 1, outputPerMTokUsd: 2 };

  it.each([
    ["bad JSON", '{ "prices": [', /not valid JSON/],
    ["no prices list", {}, /prices: missing/],
    ["a negative price", { prices: [entry, { ...entry, model: "b", inputPerMTokUsd: -1 }] }, /prices\[1\]\.inputPerMTokUsd: must be 0 or more/],
    ["a price given as text", { prices: [{ ...entry, outputPerMTokUsd: "2" }] }, /prices\[0\]\.outputPerMTokUsd: must be a number/],
    ["an unknown field", { prices: [entry, entry, { ...entry, model: "c", inputPrice: 3 }] }, /prices\[2\]\.inputPrice: unknown field/],
    ["a missing model", { prices: [{ ...entry, model: undefined }] }, /prices\[0\]\.model: missing/],
    ["an empty model", { prices: [{ ...entry, model: " " }] }, /prices\[0\]\.model: must not be empty/],
    ["an unknown service", { prices: [{ ...entry, service: "openia" }] }, /prices\[0\]\.service: must be one of: openai, /],
    ["a fractional output limit", { prices: [{ ...entry, maxOutputTokens: 1.5 }] }, /prices\[0\]\.maxOutputTokens: must be a whole number/],
    ["the same model twice", { prices: [entry, { ...entry, model: "GPT-4o" }] }, /prices\[1\]: same service and model as prices\[0\]/],
  ])("%s: one line naming the file, the entry and the field", async (_what, content, expected) => {
    const file = priceFile(content);
    const err = await loadPriceBook({ overridesFile: file }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    const { message, exitCode } = err as StartupError;
    expect(exitCode).toBe(EXIT.CONFIG);
    expect(message.startsWith(`price overrides file ${file}: `)).toBe(true);
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
  });

  it("a missing file: names it and says how to fix it", async () => {
    const file = path.join(dir, "absent.json");
    await expect(loadPriceBook({ overridesFile: file })).rejects.toThrow(`price overrides file ${file}: cannot be read (ENOENT)`);
  });
});
