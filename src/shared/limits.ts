/**
 * Spending and rate limits on a key, an access token or a team member, as the API takes and
 * gives them (`PUT /api/api-keys/:id { limits }`, `PUT /api/tokens/:id { limits }`,
 * `PUT /api/teams/:teamId/members/:userId { limits }`), and the usage report of the gateway
 * (`GET /api/usage`). Shared with the web app.
 */
import { z } from "zod";

/**
 * Services the gateway does not serve (aws signs each request itself), so limits on their keys
 * would never apply: the web app offers none. Kept equal to the providers' `gateway` adapters by
 * test/gateway/gateway-targets.test.ts.
 */
export const SERVICES_WITHOUT_GATEWAY: readonly string[] = ["aws"];

export const BUDGET_PERIODS = ["day", "week", "month"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** Kept in whole nano-dollars in the database: 1e15 stays a safe JavaScript integer. */
export const BUDGET_USD_MAX = 1_000_000;
export const PER_MINUTE_MAX = 1_000_000_000;

const usdMessage = `must be an amount in USD above 0 and at most ${BUDGET_USD_MAX}`;
const perMinute = (what: string) => {
  const message = `must be a whole number of ${what} per minute from 1 to ${PER_MINUTE_MAX}, or null for none`;
  return z.number({ error: () => message }).int(message).min(1, message).max(PER_MINUTE_MAX, message).nullable().optional();
};

export const budgetSchema = z.strictObject({
  usd: z.number({ error: () => usdMessage }).gt(0, usdMessage).max(BUDGET_USD_MAX, usdMessage),
  period: z.enum(BUDGET_PERIODS, { error: () => `must be one of ${BUDGET_PERIODS.join(", ")}` }),
});

/** Every field optional: a missing one is no limit, as null is. */
export const limitsSchema = z.strictObject({
  budget: budgetSchema.nullable().optional(),
  requestsPerMinute: perMinute("requests"),
  tokensPerMinute: perMinute("tokens"),
});
export type Limits = z.infer<typeof limitsSchema>;
export type Budget = z.infer<typeof budgetSchema>;

/** `{ limits }`: null clears them all. */
export const limitsBodySchema = z.strictObject({ limits: limitsSchema.nullable() });
export type LimitsBody = z.infer<typeof limitsBodySchema>;

export const hasLimits = (l: Limits | null | undefined): l is Limits =>
  !!l && (!!l.budget || l.requestsPerMinute != null || l.tokensPerMinute != null);

/** A limit and where its current window stands (`GET /api/limits`). */
export const limitStatusSchema = z.object({
  /** "key", "token" or "member". */
  kind: z.enum(["key", "token", "member"]),
  /** The key's or token's id; for a member, the user's id. */
  id: z.string(),
  teamId: z.string().nullable(),
  /** The key's or token's name, the member's name; null when gone. */
  name: z.string().nullable(),
  limits: limitsSchema,
  budget: z
    .object({
      usd: z.number(),
      period: z.enum(BUDGET_PERIODS),
      periodStart: z.string(),
      periodEnd: z.string(),
      spentUsd: z.number(),
      /** Worst-case cost of requests in flight now. */
      reservedUsd: z.number(),
    })
    .nullable(),
});
export type LimitStatus = z.infer<typeof limitStatusSchema>;

export const USAGE_GROUPS = ["day", "key", "model", "token"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];
export const USAGE_RANGE_DAYS_MAX = 366;

const dayOrTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: () => "must be a date (ISO 8601, e.g. 2027-01-01 or 2027-01-01T00:00:00Z)",
});

/** `GET /api/usage?from=&to=&groupBy=&teamId=`: from defaults to 30 days ago, to to now. */
export const usageQuerySchema = z.strictObject({
  from: dayOrTime.optional(),
  to: dayOrTime.optional(),
  groupBy: z.enum(USAGE_GROUPS, { error: () => `must be one of ${USAGE_GROUPS.join(", ")}` }).optional(),
  teamId: z.string().min(1).max(200).optional(),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageRowSchema = z.object({
  /** groupBy=day */
  date: z.string().optional(),
  /** groupBy=key */
  keyId: z.string().nullable().optional(),
  keyName: z.string().nullable().optional(),
  service: z.string().optional(),
  /** groupBy=model */
  model: z.string().nullable().optional(),
  /** groupBy=token */
  tokenId: z.string().nullable().optional(),
  tokenName: z.string().nullable().optional(),
  requests: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cachedTokens: z.number().int(),
  /** Sum over priced requests; null when none of the group's requests had a price. */
  costUsd: z.number().nullable(),
  /** Requests whose model had no price (their cost is unknown, not 0). */
  unpricedRequests: z.number().int(),
  /** Requests whose tokens were estimated (the answer carried no usage). */
  estimatedRequests: z.number().int(),
});
export const usageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(USAGE_GROUPS),
  rows: z.array(usageRowSchema),
});
export type UsageRow = z.infer<typeof usageRowSchema>;
export type UsageReport = z.infer<typeof usageReportSchema>;

/** A budget that reached 80% or 100% (`GET /api/limits` lists the recent ones). */
export const limitAlertSchema = z.object({ id: z.string(), at: z.string(), threshold: z.number().int(), message: z.string(), teamId: z.string().nullable() });
export type LimitAlert = z.infer<typeof limitAlertSchema>;

/** `GET /api/limits`: every limit the caller can see, and the budget alerts of the last 30 days. */
export const limitOverviewSchema = z.object({ limits: z.array(limitStatusSchema), alerts: z.array(limitAlertSchema) });
export type LimitOverview = z.infer<typeof limitOverviewSchema>;

/** `PUT /api/teams/:teamId/members/:userId` answers the member's limits. */
export const memberLimitsSchema = z.object({ teamId: z.string(), userId: z.string(), limits: limitsSchema.nullable() });
