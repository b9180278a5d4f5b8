import type { Kysely } from "kysely";

/**
 * Who used a key, per day: hand-outs through an access token (`/api/resolve`) are counted here
 * under the token (`token:<id>`) as well as in usage_daily. No foreign key, like usage_daily:
 * the history outlives a deleted key or a revoked token.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("usage_by_consumer")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("consumer", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("usage_by_consumer_pk", ["key_id", "consumer", "day"])
    .execute();
  await db.schema.createIndex("usage_by_consumer_consumer_idx").on("usage_by_consumer").columns(["consumer", "day"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("usage_by_consumer").execute();
}
