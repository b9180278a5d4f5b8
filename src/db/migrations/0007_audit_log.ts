import type { Kysely } from "kysely";

/**
 * The audit log: one row per event, chained by hash (audit/audit-chain.ts). `seq` numbers the
 * chain with no gap; `audit_head` holds its last number and hash in one row, which every append
 * updates first — that row lock is what keeps one chain when several instances write at once
 * (and tells verification whether the newest events were cut off). `audit_checkpoints` keep the
 * head of what retention pruned, so the rest still verifies.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_events")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text", (c) => c.notNull())
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("target_label", "text")
    .addColumn("user_id", "text")
    .addColumn("team_id", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_events_user_idx").on("audit_events").columns(["user_id", "seq"]).execute();
  await db.schema.createIndex("audit_events_target_idx").on("audit_events").columns(["target_id", "seq"]).execute();
  await db.schema.createIndex("audit_events_at_idx").on("audit_events").columns(["at"]).execute();

  await db.schema
    .createTable("audit_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  // The genesis hash (audit-chain.ts GENESIS_HASH), written out: a migration never changes with the code.
  await db.insertInto("audit_head").values({ id: 1, seq: 0, hash: "0".repeat(64) }).execute();

  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("pruned_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["audit_checkpoints", "audit_head", "audit_events"]) await db.schema.dropTable(t).ifExists().execute();
}
