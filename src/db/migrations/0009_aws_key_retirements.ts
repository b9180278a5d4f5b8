import type { Kysely } from "kysely";

/**
 * AWS access keys rotated out and waiting for deletion (rotation/aws-key-retirements.ts): the
 * old access key id only, never its secret — the deletion is signed with the key's current
 * credentials. No foreign key to api_keys: a key deleted from Keyhaven leaves its row, which
 * the sweeper then reports as not deletable instead of silently forgetting an AWS key.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("aws_key_retirements")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("access_key_id", "text", (c) => c.notNull())
    .addColumn("delete_after", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("claimed_until", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("aws_key_retirements_due_idx").on("aws_key_retirements").columns(["status", "delete_after"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("aws_key_retirements").ifExists().execute();
}
