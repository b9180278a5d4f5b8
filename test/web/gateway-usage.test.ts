/** The gateway section's figures and the limits form's draft: sums, days, dollars, budget levels, and what the form sends. */
import { describe, expect, it } from "vitest";
import type { UsageRow } from "../../src/shared/limits";
import { ApiError } from "../../web/src/keyhaven";
import { budgetBar, estimatedNote, formatUsd, unpricedNote, usageByDay, usageTotals } from "../../web/src/lib/gateway-usage";
import { buildLimits, limitsDraftFrom, limitsErrorsFrom } from "../../web/src/lib/limits-draft";

const DAY = 86_400_000;
const row = (r: Partial<UsageRow>): UsageRow => ({
  requests: 1,
  inputTokens: 10,
  outputTokens: 20,
  cachedTokens: 0,
  costUsd: 0.5,
  unpricedRequests: 0,
  estimatedRequests: 0,
  ...r,
});

describe("usageTotals", () => {
  it("sums every figure; the cost is null only when no row had a price", () => {
    expect(usageTotals([row({ costUsd: null, unpricedRequests: 1 }), row({ costUsd: null, unpricedRequests: 1 })]).costUsd).toBeNull();
    const t = usageTotals([row({ requests: 2, costUsd: 0.25 }), row({ costUsd: null, unpricedRequests: 1, estimatedRequests: 1 })]);
    expect(t).toEqual({ requests: 3, inputTokens: 20, outputTokens: 40, cachedTokens: 0, costUsd: 0.25, unpricedRequests: 1, estimatedRequests: 1 });
    expect(usageTotals([]).costUsd).toBeNull();
  });
});

describe("usageByDay", () => {
  const now = Date.parse("2026-11-29T15:00:00Z");
  it("one point per day of the range, today last, days without requests at 0", () => {
    const points = usageByDay([row({ date: "2026-11-27", requests: 3 })], 7, now);
    expect(points.map((p) => p.date)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]);
    expect(points.map((p) => p.requests)).toEqual([0, 0, 0, 0, 3, 0, 0]);
  });
  it("two rows of one day are summed, not one hiding the other", () => {
    const points = usageByDay([row({ date: "2026-11-29" }), row({ date: "2026-11-29", costUsd: null, unpricedRequests: 1 })], 1, now);
    expect(points).toEqual([{ date: "2026-11-29", requests: 2, tokens: 60, costUsd: 0.5, unpricedRequests: 1 }]);
    expect(usageByDay([], 90, now + DAY)).toHaveLength(90);
  });
});

describe("formatUsd and the notes", () => {
  it("cents for dollars, two significant digits below a cent", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(12.5)).toBe("$12.50");
    expect(formatUsd(0.000022)).toBe("$0.000022");
    expect(formatUsd(0.0017)).toBe("$0.0017");
  });
  it("say how many requests are unpriced or estimated, and nothing when none", () => {
    expect(unpricedNote(0)).toBeNull();
    expect(unpricedNote(1)).toBe("1 request with no price — cost unknown");
    expect(unpricedNote(3)).toBe("3 requests with no price — cost unknown");
    expect(estimatedNote(0)).toBeNull();
    expect(estimatedNote(2)).toBe("2 requests with estimated tokens");
  });
});

describe("budgetBar", () => {
  const b = (spentUsd: number, reservedUsd = 0) => ({ usd: 10, period: "month" as const, periodStart: "", periodEnd: "", spentUsd, reservedUsd });
  it("turns to a warning at 80% and over at 100%", () => {
    expect(budgetBar(b(7.99)).level).toBe("ok");
    expect(budgetBar(b(8)).level).toBe("warning");
    expect(budgetBar(b(10)).level).toBe("over");
  });
  it("reserved follows spent and the two never pass the whole bar; the percentage is not capped", () => {
    expect(budgetBar(b(5, 2))).toEqual({ spent: 0.5, reserved: 0.2, percent: 50, level: "ok" });
    expect(budgetBar(b(9, 5))).toMatchObject({ spent: 0.9, reserved: expect.closeTo(0.1, 10) });
    expect(budgetBar(b(12, 1))).toEqual({ spent: 1, reserved: 0, percent: 120, level: "over" });
  });
});

describe("limits draft", () => {
  const draft = (d: Partial<ReturnType<typeof limitsDraftFrom>>) => ({ ...limitsDraftFrom(null), ...d });
  it("empty fields are no limit; all empty is null (remove)", () => {
    expect(buildLimits(draft({}))).toEqual({ limits: null });
    expect(buildLimits(draft({ requestsPerMinute: " 60 " }))).toEqual({ limits: { budget: null, requestsPerMinute: 60, tokensPerMinute: null } });
    expect(buildLimits(draft({ budgetUsd: "$1,000.5", period: "week" }))).toEqual({ limits: { budget: { usd: 1000.5, period: "week" }, requestsPerMinute: null, tokensPerMinute: null } });
  });
  it("the shared schema's rules, on the right fields", () => {
    const built = buildLimits(draft({ budgetUsd: "0", requestsPerMinute: "1.5", tokensPerMinute: "ten" }));
    expect("errors" in built && built.errors).toEqual({
      budgetUsd: expect.stringMatching(/^Must be an amount in USD above 0/),
      requestsPerMinute: expect.stringMatching(/^Must be a whole number of requests per minute/),
      tokensPerMinute: expect.stringMatching(/^Must be a whole number of tokens per minute/),
    });
  });
  it("round-trips what is set, and maps a 400's details onto the fields", () => {
    const set = { budget: { usd: 25, period: "day" as const }, requestsPerMinute: null, tokensPerMinute: 5000 };
    expect(buildLimits(limitsDraftFrom(set))).toEqual({ limits: set });
    const err = new ApiError(400, "VALIDATION_ERROR", "Invalid", { details: [{ path: "limits.budget.usd", message: "must be an amount" }, { path: "limits.tokensPerMinute", message: "too many" }] });
    expect(limitsErrorsFrom(err)).toEqual({ budgetUsd: "Must be an amount", tokensPerMinute: "Too many" });
    expect(limitsErrorsFrom(new Error("x"))).toEqual({});
  });
});
