import type { Kysely } from "kysely";

/** The hand-out orders by (is_default, updated_at, id): end the index with id so no sort step is needed. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("api_keys_handout_idx").execute();
  await db.schema
    .createIndex("api_keys_handout_idx")
    .on("api_keys")
    .columns(["owner_type", "owner_id", "service", "is_default", "updated_at", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("api_keys_handout_idx").execute();
  await db.schema
    .createIndex("api_keys_handout_idx")
    .on("api_keys")
    .columns(["owner_type", "owner_id", "service", "is_default", "updated_at"])
    .execute();
}
