import type { Kysely } from "kysely";

/**
 * The gateway (gateway/): limits set on keys, tokens and team members (one row per subject, so
 * every kind is read the same way and the hot hand-out queries stay as they were), the shared
 * counters every instance reserves against, the metered requests, and budget alerts.
 *
 * Money is stored as whole nano-dollars (1e-9 USD) in bigint columns: a reservation compares
 * `used + reserved + amount <= max` inside one statement, which must be exact, not floating.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("spend_limits")
    // "key:<id>", "token:<id>" or "member:<teamId>:<userId>".
    .addColumn("subject", "text", (c) => c.primaryKey())
    .addColumn("limits", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("limit_windows")
    // "<subject>|<usd|rpm|tpm>": one row per limit, holding its current window only.
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("used", "bigint", (c) => c.notNull())
    .addColumn("reserved", "bigint", (c) => c.notNull())
    // Every reservation ends (settles or times out) before this: past it, `reserved` is stale.
    .addColumn("reserved_until", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("gateway_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("user_id", "text")
    .addColumn("team_id", "text")
    .addColumn("key_id", "text")
    .addColumn("token_id", "text")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("model", "text")
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("input_tokens", "integer", (c) => c.notNull())
    .addColumn("output_tokens", "integer", (c) => c.notNull())
    .addColumn("cached_tokens", "integer", (c) => c.notNull())
    // null: the model has no price (never recorded as 0).
    .addColumn("cost_nano_usd", "bigint")
    // null when read from the answer; else how the tokens were estimated.
    .addColumn("estimated", "text")
    .execute();
  await db.schema.createIndex("gateway_requests_user_at").on("gateway_requests").columns(["user_id", "at"]).execute();
  await db.schema.createIndex("gateway_requests_team_at").on("gateway_requests").columns(["team_id", "at"]).execute();
  await db.schema.createIndex("gateway_requests_at").on("gateway_requests").column("at").execute();

  await db.schema
    .createTable("limit_alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("threshold", "integer", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("user_id", "text")
    .addColumn("team_id", "text")
    .addColumn("message", "text", (c) => c.notNull())
    .execute();
  // One alert per budget, period and threshold, whichever instance crosses it first.
  await db.schema.createIndex("limit_alerts_once").on("limit_alerts").columns(["subject", "window_start", "threshold"]).unique().execute();
  await db.schema.createIndex("limit_alerts_user_at").on("limit_alerts").columns(["user_id", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["limit_alerts", "gateway_requests", "limit_windows", "spend_limits"]) await db.schema.dropTable(t).ifExists().execute();
}
