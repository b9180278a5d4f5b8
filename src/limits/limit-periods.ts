/**
 * The windows limits count in, all in UTC: a minute for request and token rates, a day, an ISO
 * week (from Monday) or a calendar month for budgets. A window is named by its start in ms.
 */
import type { BudgetPeriod } from "../shared/limits.js";

export type LimitWindow = BudgetPeriod | "minute";

const DAY_MS = 86_400_000;

export function windowStart(window: LimitWindow, nowMs: number): number {
  switch (window) {
    case "minute":
      return nowMs - (nowMs % 60_000);
    case "day":
      return nowMs - (nowMs % DAY_MS);
    case "week": {
      const day = nowMs - (nowMs % DAY_MS);
      // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return day - sinceMonday * DAY_MS;
    }
    case "month": {
      const d = new Date(nowMs);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
  }
}

export function windowEnd(window: LimitWindow, start: number): number {
  switch (window) {
    case "minute":
      return start + 60_000;
    case "day":
      return start + DAY_MS;
    case "week":
      return start + 7 * DAY_MS;
    case "month": {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}

/** Whole nano-dollars: budgets are compared exactly in the database. */
export const NANO_PER_USD = 1_000_000_000;
export const toNano = (usd: number): number => Math.round(usd * NANO_PER_USD);
export const fromNano = (nano: number): number => nano / NANO_PER_USD;
