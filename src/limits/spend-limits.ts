/**
 * Budgets and rate limits of gateway requests, enforced across instances through the database
 * (limit-store.ts). Before a request is forwarded, every limit that applies to it is reserved:
 * a budget its worst-case cost, tokens-per-minute its worst-case tokens, requests-per-minute
 * one request. If any cannot be reserved the ones taken are released and the request is
 * refused; after the answer each is settled to what the request really used. So concurrent
 * requests can overshoot a budget only by what one request's real cost exceeds its worst case.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../platform/errors.js";
import type { Budget, Limits } from "../shared/limits.js";
import { fromNano, toNano, windowEnd, windowStart, type LimitWindow } from "./limit-periods.js";
import type { LimitStore } from "./limit-store.js";

/** Whom a limit is on: a key, an access token, or a person in a team. */
export type LimitSubject =
  | { kind: "key"; id: string }
  | { kind: "token"; id: string }
  | { kind: "member"; teamId: string; userId: string };

export const subjectKey = (s: LimitSubject): string => (s.kind === "member" ? `member:${s.teamId}:${s.userId}` : `${s.kind}:${s.id}`);

export function parseSubjectKey(key: string): LimitSubject | undefined {
  const [kind, a, b] = key.split(":");
  if ((kind === "key" || kind === "token") && a) return { kind, id: a };
  if (kind === "member" && a && b) return { kind, teamId: a, userId: b };
  return undefined;
}

/** What a request may cost at most, known before it is forwarded. */
export interface RequestEstimate {
  /** Worst-case cost in USD; null when the model has no price. */
  worstCaseUsd: number | null;
  /** Worst-case tokens (input estimate + output cap). */
  worstCaseTokens: number;
}

/** What it really used, once answered. */
export interface RequestActual {
  /** null: no price (nothing is charged to a budget; the ledger records null). */
  costUsd: number | null;
  tokens: number;
}

/** Where an alert goes: in-app rows are written by the store; this is told about each new one. */
export type AlertListener = (alert: { subject: LimitSubject; threshold: number; message: string }) => void;

interface Hold {
  key: string;
  what: "budget" | "requests" | "tokens";
  window: LimitWindow;
  start: number;
  amount: number;
  max: number;
  subject: LimitSubject;
  budget?: Budget;
}

export interface Reservation {
  /** Settles every hold to the real use (idempotent: only the first call counts). */
  settle(actual: RequestActual): Promise<void>;
}

const NOTHING_HELD: Reservation = { settle: async () => {} };

const SUBJECT_WORDS: Record<LimitSubject["kind"], string> = { key: "this key", token: "this access token", member: "your use of this team's keys" };

export interface SpendLimitsDeps {
  store: LimitStore;
  now?: () => number;
  /** A reservation is over after this (a request's longest life): then it is stale. */
  maxRequestMs: number;
  /** Operator's choice: budgets let unpriced models through (charging nothing). */
  allowUnpriced: boolean;
  /** Names a subject in alert messages ("key “Prod”"). */
  describe?: (subject: LimitSubject) => Promise<string>;
  onAlert?: AlertListener;
  /** Who sees a subject's alerts in the app. */
  audience?: (subject: LimitSubject) => Promise<{ userId: string | null; teamId: string | null }>;
}

const usd = (n: number) => `$${n >= 100 ? n.toFixed(0) : n >= 0.01 || n === 0 ? n.toFixed(2) : n.toPrecision(2)}`;

export function createSpendLimits(deps: SpendLimitsDeps) {
  const { store } = deps;
  const now = deps.now ?? Date.now;

  function holdsFor(subject: LimitSubject, limits: Limits, estimate: RequestEstimate, t: number): Hold[] {
    const key = subjectKey(subject);
    const holds: Hold[] = [];
    if (limits.requestsPerMinute != null) {
      holds.push({ key: `${key}|rpm`, what: "requests", window: "minute", start: windowStart("minute", t), amount: 1, max: limits.requestsPerMinute, subject });
    }
    if (limits.tokensPerMinute != null) {
      const amount = Math.min(estimate.worstCaseTokens, limits.tokensPerMinute);
      holds.push({ key: `${key}|tpm`, what: "tokens", window: "minute", start: windowStart("minute", t), amount, max: limits.tokensPerMinute, subject });
    }
    if (limits.budget) {
      const { period } = limits.budget;
      if (estimate.worstCaseUsd === null && !deps.allowUnpriced) {
        throw new AppError(
          "FORBIDDEN",
          `The model has no price, and ${SUBJECT_WORDS[subject.kind]} has a budget: the operator must price it (KEYHAVEN_PRICES_FILE) or allow unpriced models (KEYHAVEN_GATEWAY_ALLOW_UNPRICED)`,
        );
      }
      const max = toNano(limits.budget.usd);
      // A request whose worst case alone is over the budget is refused: it could spend more than all of it.
      const amount = toNano(estimate.worstCaseUsd ?? 0);
      holds.push({ key: `${key}|usd`, what: "budget", window: period, start: windowStart(period, t), amount, max, subject, budget: limits.budget });
    }
    return holds;
  }

  /** A request that could never fit: asking again changes nothing, so no Retry-After. */
  function tooLarge(hold: Hold): AppError {
    const whose = SUBJECT_WORDS[hold.subject.kind];
    if (hold.what === "budget") {
      return new AppError(
        "RATE_LIMITED",
        `Budget reached: this request could cost up to ${usd(fromNano(hold.amount))}, more than the ${usd(hold.budget!.usd)} per ${hold.budget!.period} ${whose} may spend; lower max_tokens or raise the budget`,
      );
    }
    return new AppError("RATE_LIMITED", `Rate limit reached: this request may use up to ${hold.amount} tokens, more than the ${hold.max} per minute ${whose} may use; lower max_tokens`);
  }

  async function refusalFor(hold: Hold, t: number): Promise<AppError> {
    const [row] = await store.windows([hold.key]);
    const end = windowEnd(hold.window, hold.start);
    // Only requests in flight hold it: their settling frees part of it within seconds.
    const inFlight = row !== undefined && row.window_start === hold.start && row.used + hold.amount <= hold.max;
    const retryAfter = inFlight ? 1 : Math.max(1, Math.ceil((end - t) / 1000));
    const whose = SUBJECT_WORDS[hold.subject.kind];
    const message =
      hold.what === "budget"
        ? `Budget reached: ${whose} may spend ${usd(hold.budget!.usd)} per ${hold.budget!.period}${inFlight ? " and requests in flight hold the rest" : ` (${usd(fromNano(row?.used ?? 0))} spent)`}; try again in ${retryAfter} s`
        : hold.what === "requests"
          ? `Rate limit reached: ${whose} may make ${hold.max} requests per minute; try again in ${retryAfter} s`
          : `Rate limit reached: ${whose} may use ${hold.max} tokens per minute; try again in ${retryAfter} s`;
    return new AppError("RATE_LIMITED", message, { retryAfter });
  }

  async function alertIfCrossed(hold: Hold, usedAfter: number, added: number, windowStartMs: number): Promise<void> {
    if (!hold.budget || added <= 0) return;
    const before = usedAfter - added;
    for (const threshold of [80, 100]) {
      const line = (hold.max * threshold) / 100;
      if (before >= line || usedAfter < line) continue;
      const name = deps.describe ? await deps.describe(hold.subject) : subjectKey(hold.subject);
      const message = `${name} has used ${threshold}% of its budget: ${usd(fromNano(usedAfter))} of ${usd(hold.budget.usd)} this ${hold.budget.period}`;
      const audience = deps.audience ? await deps.audience(hold.subject) : { userId: null, teamId: null };
      const inserted = await store.insertAlert({
        id: randomUUID(),
        subject: subjectKey(hold.subject),
        window_start: windowStartMs,
        threshold,
        at: new Date(now()).toISOString(),
        user_id: audience.userId,
        team_id: audience.teamId,
        message,
      });
      if (inserted) deps.onAlert?.({ subject: hold.subject, threshold, message });
    }
  }

  return {
    /**
     * Reserves what a request may use against every limit on `subjects`; throws RATE_LIMITED
     * (with retryAfter) naming the first limit it cannot take, or FORBIDDEN for an unpriced
     * model under a budget. Subjects without limits cost one indexed read.
     */
    async reserve(subjects: readonly LimitSubject[], estimate: RequestEstimate): Promise<Reservation> {
      const limits = await store.limitsFor(subjects.map(subjectKey));
      if (limits.size === 0) return NOTHING_HELD;
      const t = now();
      const holds = subjects.flatMap((s) => {
        const l = limits.get(subjectKey(s));
        return l ? holdsFor(s, l, estimate, t) : [];
      });
      const until = t + deps.maxRequestMs;
      const taken: Hold[] = [];
      for (const hold of holds) {
        if (hold.amount > hold.max) {
          await Promise.all(taken.map((h) => store.settle(h.key, h.start, h.amount, 0)));
          throw tooLarge(hold);
        }
        if (hold.amount > 0 && !(await store.reserve(hold.key, hold.start, hold.amount, hold.max, until, t))) {
          await Promise.all(taken.map((h) => store.settle(h.key, h.start, h.amount, 0)));
          throw await refusalFor(hold, t);
        }
        taken.push(hold);
      }
      let settled = false;
      return {
        async settle(actual: RequestActual): Promise<void> {
          if (settled) return;
          settled = true;
          await Promise.all(
            taken.map(async (hold) => {
              const used = hold.what === "requests" ? 1 : hold.what === "tokens" ? actual.tokens : toNano(actual.costUsd ?? 0);
              if (hold.amount === 0 && used === 0) return;
              const after = await store.settle(hold.key, hold.start, hold.amount, used);
              if (after) await alertIfCrossed(hold, after.used, used, after.windowStart);
            }),
          );
        },
      };
    },

    /** The limits set on a subject, or null. */
    async get(subject: LimitSubject): Promise<Limits | null> {
      return (await store.listLimits([subjectKey(subject)])).get(subjectKey(subject)) ?? null;
    },

    /** Sets a subject's limits (null clears them). The caller has asked the policy. */
    async set(subject: LimitSubject, limits: Limits | null): Promise<void> {
      await store.setLimits(subjectKey(subject), limits, new Date(now()).toISOString());
    },

    /** Where each budget of `subjects` stands in its current period. */
    async budgetStatus(subject: LimitSubject, budget: Budget): Promise<{ periodStart: string; periodEnd: string; spentUsd: number; reservedUsd: number }> {
      const t = now();
      const start = windowStart(budget.period, t);
      const [row] = await store.windows([`${subjectKey(subject)}|usd`]);
      const current = row && row.window_start === start;
      return {
        periodStart: new Date(start).toISOString(),
        periodEnd: new Date(windowEnd(budget.period, start)).toISOString(),
        spentUsd: current ? fromNano(row.used) : 0,
        reservedUsd: current ? fromNano(row.reserved) : 0,
      };
    },
  };
}

export type SpendLimits = ReturnType<typeof createSpendLimits>;
