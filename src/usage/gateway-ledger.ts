/**
 * The gateway's ledger: one row per forwarded request (who, which key and model, status,
 * latency, tokens, cost), written in batches off the request path, and the report
 * `GET /api/usage` reads from it. Hand-out counts (usage-recorder.ts) stay what they were: the
 * library's path.
 */
import { sql, type Kysely } from "kysely";
import type { Database, GatewayRequestsTable } from "../db/schema.js";
import type { Logger } from "../platform/logger.js";
import { createWriteBatcher } from "../platform/write-batcher.js";
import type { UsageGroup, UsageRow } from "../shared/limits.js";
import { NANO_PER_USD } from "../limits/limit-periods.js";

export type MeteredRequest = GatewayRequestsTable;

/** Rows per INSERT: well under SQLite's 32,766 parameters and PostgreSQL's 65,535 (15 columns). */
const ROWS_PER_INSERT = 500;
const DAY_MS = 86_400_000;

export interface UsageScope {
  /** One person's requests (through their tokens, with their or their teams' keys). */
  userId?: string;
  /** Every request made with a team's keys. */
  teamId?: string;
}

export function createGatewayLedger(deps: { db: Kysely<Database>; logger: Logger; intervalMs: number }) {
  const { db, logger } = deps;
  const batches = createWriteBatcher<MeteredRequest[]>({
    empty: () => [],
    isEmpty: (b) => b.length === 0,
    restore: (into, failed) => void into.unshift(...failed),
    async write(batch) {
      for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
        await db.insertInto("gateway_requests").values(batch.slice(i, i + ROWS_PER_INSERT)).execute();
      }
    },
    onError(err, buffer) {
      const e = err as { code?: unknown; message?: unknown };
      logger.error({ err: { code: e.code, message: String(e.message ?? err) }, pending: buffer.length }, "gateway ledger flush failed; the rows are kept for the next attempt");
    },
    intervalMs: deps.intervalMs,
  });

  return {
    record(row: MeteredRequest): void {
      if (!batches.closed) batches.buffer().push(row);
    },
    flush: () => batches.flush(),
    close: () => batches.close(),

    /** Totals per group over [fromMs, toMs). */
    async report(scope: UsageScope, fromMs: number, toMs: number, groupBy: UsageGroup): Promise<UsageRow[]> {
      let q = db
        .selectFrom("gateway_requests as r")
        .where("r.at", ">=", fromMs)
        .where("r.at", "<", toMs)
        .select([
          sql<number>`count(*)`.as("requests"),
          sql<number>`coalesce(sum(r.input_tokens), 0)`.as("input_tokens"),
          sql<number>`coalesce(sum(r.output_tokens), 0)`.as("output_tokens"),
          sql<number>`coalesce(sum(r.cached_tokens), 0)`.as("cached_tokens"),
          sql<number | null>`sum(r.cost_nano_usd)`.as("cost_nano"),
          sql<number>`sum(case when r.cost_nano_usd is null then 1 else 0 end)`.as("unpriced"),
          sql<number>`sum(case when r.estimated is null then 0 else 1 end)`.as("estimated"),
        ]);
      if (scope.userId !== undefined) q = q.where("r.user_id", "=", scope.userId);
      if (scope.teamId !== undefined) q = q.where("r.team_id", "=", scope.teamId);

      const totals = (r: { requests: unknown; input_tokens: unknown; output_tokens: unknown; cached_tokens: unknown; cost_nano: unknown; unpriced: unknown; estimated: unknown }) => ({
        requests: Number(r.requests),
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        cachedTokens: Number(r.cached_tokens),
        costUsd: r.cost_nano === null ? null : Number(r.cost_nano) / NANO_PER_USD,
        unpricedRequests: Number(r.unpriced),
        estimatedRequests: Number(r.estimated),
      });

      switch (groupBy) {
        case "day": {
          const day = sql<number>`(r.at / ${sql.lit(DAY_MS)})`; // a literal: better-sqlite3 binds numbers as REAL, and a real division would group per request
          const rows = await q.select(day.as("day")).groupBy(day).orderBy(day).execute();
          return rows.map((r) => ({ date: new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10), ...totals(r) }));
        }
        case "key": {
          const rows = await q
            .leftJoin("api_keys as k", "k.id", "r.key_id")
            .select(["r.key_id", "r.service", "k.name"])
            .groupBy(["r.key_id", "r.service", "k.name"])
            .orderBy("r.key_id")
            .execute();
          return rows.map((r) => ({ keyId: r.key_id, keyName: r.name ?? null, service: r.service, ...totals(r) }));
        }
        case "model": {
          const rows = await q.select(["r.model", "r.service"]).groupBy(["r.model", "r.service"]).orderBy("r.model").execute();
          return rows.map((r) => ({ model: r.model, service: r.service, ...totals(r) }));
        }
        case "token": {
          const rows = await q
            .leftJoin("access_tokens as t", "t.id", "r.token_id")
            .select(["r.token_id", "t.name"])
            .groupBy(["r.token_id", "t.name"])
            .orderBy("r.token_id")
            .execute();
          return rows.map((r) => ({ tokenId: r.token_id, tokenName: r.name ?? null, ...totals(r) }));
        }
      }
    },
  };
}

export type GatewayLedger = ReturnType<typeof createGatewayLedger>;
