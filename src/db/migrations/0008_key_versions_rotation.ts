import { sql, type Kysely } from "kysely";

/**
 * Key versions and rotation. A value that is replaced moves, ciphertext as it was, into
 * api_key_versions with the config and version it was sealed with (so it still opens with its
 * own binding, and a row copied elsewhere or renumbered does not), its mask and who set it.
 * api_keys gains the rotation period, the stored due date (what the scheduler's query reads,
 * indexed), when and by whom the current value was set, and the scheduler's claim: the time
 * of the last automatic attempt (a conditional UPDATE of it is what keeps two instances from
 * rotating one key at once, and a failed attempt from being retried within the hour).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_key_versions").addColumn("config", "text", (c) => c.notNull().defaultTo("{}")).execute();
  await db.schema.alterTable("api_key_versions").addColumn("masked_value", "text", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("api_key_versions").addColumn("created_by", "text").execute();

  await db.schema.alterTable("api_keys").addColumn("rotation_every_days", "integer").execute();
  await db.schema.alterTable("api_keys").addColumn("rotation_due_at", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("last_rotated_at", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("value_created_by", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("rotation_attempt_at", "text").execute();
  // Only keys with a period have a due date: a partial index stays small.
  await db.schema
    .createIndex("api_keys_rotation_due_idx")
    .on("api_keys")
    .columns(["rotation_due_at"])
    .where(sql.ref("rotation_due_at"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("api_keys_rotation_due_idx").execute();
  for (const c of ["rotation_attempt_at", "value_created_by", "last_rotated_at", "rotation_due_at", "rotation_every_days"]) {
    await db.schema.alterTable("api_keys").dropColumn(c).execute();
  }
  for (const c of ["created_by", "masked_value", "config"]) await db.schema.alterTable("api_key_versions").dropColumn(c).execute();
}
