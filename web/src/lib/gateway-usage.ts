/** The gateway usage section's figures, from `GET /api/usage` rows and `GET /api/limits`; all pure. */
import type { LimitOverview, LimitStatus, UsageRow } from "../../../src/shared/limits.js";

const DAY_MS = 86_400_000;

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Over priced requests; null when none had a price. */
  costUsd: number | null;
  unpricedRequests: number;
  estimatedRequests: number;
}

export function usageTotals(rows: readonly UsageRow[]): UsageTotals {
  const t: UsageTotals = { requests: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: null, unpricedRequests: 0, estimatedRequests: 0 };
  for (const r of rows) {
    t.requests += r.requests;
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.cachedTokens += r.cachedTokens;
    if (r.costUsd !== null) t.costUsd = (t.costUsd ?? 0) + r.costUsd;
    t.unpricedRequests += r.unpricedRequests;
    t.estimatedRequests += r.estimatedRequests;
  }
  return t;
}

export interface DayPoint {
  date: string;
  requests: number;
  tokens: number;
  /** 0 on a day with no priced request: the chart draws no bar, the table says "—". */
  costUsd: number;
  unpricedRequests: number;
}

/** One point per UTC day of the last `days` days (today included), days without requests at 0. */
export function usageByDay(rows: readonly UsageRow[], days: number, now = Date.now()): DayPoint[] {
  // Summed per date, so two rows of one day (whatever the server's grouping) never hide each other.
  const byDate = new Map<string, UsageRow[]>();
  for (const r of rows) if (r.date) byDate.set(r.date.slice(0, 10), [...(byDate.get(r.date.slice(0, 10)) ?? []), r]);
  const today = Math.floor(now / DAY_MS);
  const points: DayPoint[] = [];
  for (let d = today - days + 1; d <= today; d++) {
    const date = new Date(d * DAY_MS).toISOString().slice(0, 10);
    const t = usageTotals(byDate.get(date) ?? []);
    points.push({ date, requests: t.requests, tokens: t.inputTokens + t.outputTokens, costUsd: t.costUsd ?? 0, unpricedRequests: t.unpricedRequests });
  }
  return points;
}

const usd2 = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumSignificantDigits: 2 });

/** Dollars as people read them; a fraction of a cent keeps two significant digits (gateway requests are cheap). */
export function formatUsd(usd: number): string {
  if (usd === 0) return usd2.format(0);
  return Math.abs(usd) < 0.01 ? usdSmall.format(usd) : usd2.format(usd);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "3 requests with no price — cost unknown"; null when every request was priced. */
export function unpricedNote(unpriced: number): string | null {
  return unpriced > 0 ? `${plural(unpriced, "request")} with no price — cost unknown` : null;
}

/** "2 requests with estimated tokens"; null when every answer carried its usage. */
export function estimatedNote(estimated: number): string | null {
  return estimated > 0 ? `${plural(estimated, "request")} with estimated tokens` : null;
}

export type BudgetLevel = "ok" | "warning" | "over";

export interface BudgetBar {
  /** Spent, as a share of the budget, 0–1 (capped). */
  spent: number;
  /** Reserved in flight, after the spent part, 0–(1 − spent). */
  reserved: number;
  /** Spent as a percentage of the budget, uncapped, rounded down. */
  percent: number;
  /** At 80% "warning", at 100% "over". */
  level: BudgetLevel;
}

export function budgetBar(budget: NonNullable<LimitStatus["budget"]>): BudgetBar {
  const share = budget.usd > 0 ? budget.spentUsd / budget.usd : 1;
  const spent = Math.min(1, Math.max(0, share));
  const reserved = Math.min(1 - spent, Math.max(0, budget.reservedUsd / budget.usd));
  return { spent, reserved, percent: Math.floor(share * 100), level: share >= 1 ? "over" : share >= 0.8 ? "warning" : "ok" };
}

export const KIND_LABELS: Record<LimitStatus["kind"], string> = { key: "Key", token: "Access token", member: "Team member" };

/**
 * A team's part of `GET /api/limits`: the limits on its keys and its members, and their alerts.
 * The server lists every limit the person can see, the personal ones with a null teamId.
 */
export function teamLimits(overview: LimitOverview, teamId: string): LimitOverview {
  return { limits: overview.limits.filter((l) => l.teamId === teamId), alerts: overview.alerts.filter((a) => a.teamId === teamId) };
}
