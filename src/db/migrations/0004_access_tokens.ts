import type { Kysely } from "kysely";

/**
 * Access tokens: only the SHA-256 of a token is stored (unique, so verifying is one indexed
 * lookup). A revoked token keeps its row (revoked_at) for the audit log; it is refused like an
 * unknown one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("access_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    // The user a personal token acts as; null for a service token.
    .addColumn("user_id", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("access_tokens_user_idx").on("access_tokens").columns(["user_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("access_tokens").execute();
}
