/**
 * The limits form's state: text as typed, checked with the shared `limitsSchema` (the server's
 * own rules), turned into `{ limits }`, and a 400's details mapped back onto the fields.
 */
import { ApiError } from "../keyhaven";
import { BUDGET_PERIODS, limitsSchema, type BudgetPeriod, type Limits } from "../../../src/shared/limits.js";

export interface LimitsDraft {
  budgetUsd: string;
  period: BudgetPeriod;
  requestsPerMinute: string;
  tokensPerMinute: string;
}

export type LimitsField = keyof LimitsDraft;
export type LimitsDraftErrors = Partial<Record<LimitsField, string>>;

export const PERIOD_LABELS: Record<BudgetPeriod, string> = { day: "Per day", week: "Per week", month: "Per month" };
export { BUDGET_PERIODS };

export function limitsDraftFrom(limits: Limits | null | undefined): LimitsDraft {
  return {
    budgetUsd: limits?.budget ? String(limits.budget.usd) : "",
    period: limits?.budget?.period ?? "month",
    requestsPerMinute: limits?.requestsPerMinute != null ? String(limits.requestsPerMinute) : "",
    tokensPerMinute: limits?.tokensPerMinute != null ? String(limits.tokensPerMinute) : "",
  };
}

/** "" → null (no limit); anything else a number, NaN when it is not one (the schema then says why). */
function numberOrNull(text: string): number | null {
  const t = text.trim().replace(/^\$/, "").replace(/,/g, "");
  return t === "" ? null : Number(t);
}

const FIELD_OF: Record<string, LimitsField> = { budget: "budgetUsd", usd: "budgetUsd", period: "period", requestsPerMinute: "requestsPerMinute", tokensPerMinute: "tokensPerMinute" };

/** The last path segment the form has a field for: `limits.budget.usd` → budgetUsd. */
function fieldOf(path: readonly PropertyKey[]): LimitsField | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const f = FIELD_OF[String(path[i])];
    if (f) return f;
  }
  return undefined;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The limits to send (null: none at all), or what to fix. */
export function buildLimits(draft: LimitsDraft): { limits: Limits | null } | { errors: LimitsDraftErrors } {
  const usd = numberOrNull(draft.budgetUsd);
  const candidate = {
    budget: usd === null ? null : { usd, period: draft.period },
    requestsPerMinute: numberOrNull(draft.requestsPerMinute),
    tokensPerMinute: numberOrNull(draft.tokensPerMinute),
  };
  const parsed = limitsSchema.safeParse(candidate);
  if (!parsed.success) {
    const errors: LimitsDraftErrors = {};
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      if (field && !errors[field]) errors[field] = sentence(issue.message);
    }
    return { errors };
  }
  const l = parsed.data;
  const none = !l.budget && l.requestsPerMinute == null && l.tokensPerMinute == null;
  return { limits: none ? null : l };
}

/** A 400's details (`{ path: "limits.budget.usd", message }`) on the form's fields. */
export function limitsErrorsFrom(err: unknown): LimitsDraftErrors {
  const errors: LimitsDraftErrors = {};
  if (!(err instanceof ApiError) || !err.details) return errors;
  for (const detail of err.details) {
    const field = fieldOf(detail.path.split("."));
    if (field && !errors[field]) errors[field] = sentence(detail.message);
  }
  return errors;
}
