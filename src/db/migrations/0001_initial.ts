import { sql, type Kysely } from "kysely";

/** Keys, per-owner data keys, the master key check, versions and daily usage. Portable SQL only. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("master_key_checks")
    .addColumn("kek_version", "integer", (c) => c.primaryKey())
    .addColumn("check_value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("data_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("generation", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("kek_version", "integer", (c) => c.notNull())
    .addColumn("wrapped_key", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("data_keys_owner_generation_uq", ["owner_type", "owner_id", "generation"])
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("data_key_id", "text", (c) => c.notNull().references("data_keys.id"))
    .addColumn("encrypted_value", "text", (c) => c.notNull())
    .addColumn("masked_value", "text", (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("usage_count", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("last_used_at", "text")
    .addColumn("last_tested_at", "text")
    .addColumn("last_test_status", "text")
    .addColumn("last_test_message", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createIndex("api_keys_owner_service_name_uq")
    .on("api_keys")
    .columns(["owner_type", "owner_id", "service", "name"])
    .unique()
    .execute();
  // At most one default per owner and service, enforced by the database itself.
  await db.schema
    .createIndex("api_keys_one_default_uq")
    .on("api_keys")
    .columns(["owner_type", "owner_id", "service"])
    .unique()
    .where(sql.ref("is_default"), "=", 1)
    .execute();
  // The hand-out lookup: owner + service, newest first.
  await db.schema
    .createIndex("api_keys_handout_idx")
    .on("api_keys")
    .columns(["owner_type", "owner_id", "service", "is_default", "updated_at"])
    .execute();

  await db.schema
    .createTable("api_key_versions")
    .addColumn("key_id", "text", (c) => c.notNull().references("api_keys.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("data_key_id", "text", (c) => c.notNull())
    .addColumn("encrypted_value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("retired_at", "text")
    .addPrimaryKeyConstraint("api_key_versions_pk", ["key_id", "version"])
    .execute();

  // No foreign key: usage history outlives a deleted key.
  await db.schema
    .createTable("usage_daily")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("usage_daily_pk", ["key_id", "day"])
    .execute();
  await db.schema.createIndex("usage_daily_owner_day_idx").on("usage_daily").columns(["owner_type", "owner_id", "day"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["usage_daily", "api_key_versions", "api_keys", "data_keys", "master_key_checks"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
