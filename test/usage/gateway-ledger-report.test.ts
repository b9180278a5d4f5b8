/**
 * The gateway ledger's report grouped by day, on SQLite and PostgreSQL: requests at different
 * milliseconds of one UTC day are one row (better-sqlite3 binds numbers as REAL, so a bound
 * day length once made the division fractional and grouped per request), summed, in day order.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Runtime } from "../../src/app/compose.js";
import { createLogger } from "../../src/platform/logger.js";
import { createGatewayLedger, type MeteredRequest } from "../../src/usage/gateway-ledger.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";

const DAY = 86_400_000;

describeEachDatabase("the gateway ledger's report by day", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  const day0 = Date.parse("2026-11-20T00:00:00Z");
  const row = (i: number, at: number, cost: number | null): MeteredRequest => ({
    id: `r${i}`,
    at,
    user_id: "u1",
    team_id: null,
    key_id: "k1",
    token_id: "t1",
    service: "openai",
    model: "gpt-4o-mini",
    status: 200,
    latency_ms: 5,
    input_tokens: 10,
    output_tokens: 20,
    cached_tokens: 0,
    cost_nano_usd: cost,
    estimated: null,
  });

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    // Three on the first day (its first and last millisecond too), two on the third.
    const rows = [row(1, day0, 1000), row(2, day0 + 12_345_678, null), row(3, day0 + DAY - 1, 500), row(4, day0 + 2 * DAY + 7, 250), row(5, day0 + 2 * DAY + 99_999, 250)];
    await rt.database.db.insertInto("gateway_requests").values(rows).execute();
  });
  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  it("one row per UTC day with requests, summed, oldest first", async () => {
    const ledger = createGatewayLedger({ db: rt.database.db, logger: createLogger("silent"), intervalMs: 60_000 });
    const rows = await ledger.report({ userId: "u1" }, day0 - DAY, day0 + 5 * DAY, "day");
    expect(rows.map((r) => [r.date, r.requests, r.inputTokens, r.unpricedRequests])).toEqual([
      ["2026-11-20", 3, 30, 1],
      ["2026-11-22", 2, 20, 0],
    ]);
    expect(rows[0].costUsd).toBeCloseTo(1500 / 1e9, 15);
  });
});
