/**
 * What a backup holds: every table of the instance, in an order that satisfies the foreign keys
 * (a restore inserts in this order), with each column's portable kind. The tables left out, and
 * why, are listed too: test/backup/snapshot-restore.test.ts checks that together they cover
 * every table and column the migrations create, so a new migration cannot be forgotten here.
 */
/**
 * How a column travels. `text` and `int` are the same in both dialects. `bool` is better-auth's
 * boolean (0/1 on SQLite, boolean on PostgreSQL), carried as true/false. `time` is better-auth's
 * date (ISO text on SQLite, timestamptz on PostgreSQL), carried as ISO-8601 UTC text. `dataKey`
 * is the unwrapped 32-byte data key in base64 (the backup file is encrypted as a whole).
 */
export type ColumnKind = "text" | "int" | "bool" | "time" | "dataKey";

export interface BackupTable {
  name: string;
  columns: Readonly<Record<string, ColumnKind>>;
  /** The primary key, for keyset pagination on PostgreSQL (SQLite pages by rowid). */
  key: readonly string[];
}

const t = (name: string, key: readonly string[], columns: Record<string, ColumnKind>): BackupTable => ({ name, key, columns });

export const BACKUP_TABLES: readonly BackupTable[] = [
  t("user", ["id"], {
    id: "text", name: "text", email: "text", emailVerified: "bool", image: "text", createdAt: "time", updatedAt: "time", disabledAt: "text",
  }),
  t("account", ["id"], {
    id: "text", accountId: "text", providerId: "text", userId: "text", accessToken: "text", refreshToken: "text", idToken: "text",
    accessTokenExpiresAt: "time", refreshTokenExpiresAt: "time", scope: "text", password: "text", createdAt: "time", updatedAt: "time",
  }),
  t("organization", ["id"], { id: "text", name: "text", slug: "text", logo: "text", createdAt: "time", metadata: "text" }),
  t("member", ["id"], { id: "text", organizationId: "text", userId: "text", role: "text", createdAt: "time" }),
  t("invitation", ["id"], {
    id: "text", organizationId: "text", email: "text", role: "text", status: "text", expiresAt: "time", createdAt: "time", inviterId: "text",
  }),
  t("team_preferences", ["user_id"], { user_id: "text", team_id: "text", updated_at: "text" }),
  // Not the wrapped key: the key itself, wrapped again under the target's master key on restore.
  t("data_keys", ["id"], { id: "text", owner_type: "text", owner_id: "text", generation: "int", key: "dataKey", created_at: "text" }),
  t("api_keys", ["id"], {
    id: "text", owner_type: "text", owner_id: "text", name: "text", service: "text", description: "text", data_key_id: "text",
    encrypted_value: "text", masked_value: "text", config: "text", is_active: "int", is_default: "int", expires_at: "text", version: "int",
    usage_count: "int", last_used_at: "text", last_tested_at: "text", last_test_status: "text", last_test_message: "text",
    created_at: "text", updated_at: "text", rotation_every_days: "int", rotation_due_at: "text", last_rotated_at: "text",
    value_created_by: "text", rotation_attempt_at: "text", sharing: "text",
  }),
  t("api_key_versions", ["key_id", "version"], {
    key_id: "text", version: "int", data_key_id: "text", encrypted_value: "text", created_at: "text", retired_at: "text",
    config: "text", masked_value: "text", created_by: "text",
  }),
  t("usage_daily", ["key_id", "day"], { key_id: "text", owner_type: "text", owner_id: "text", service: "text", day: "text", count: "int" }),
  t("usage_by_consumer", ["key_id", "consumer", "day"], { key_id: "text", consumer: "text", day: "text", count: "int" }),
  t("access_tokens", ["id"], {
    id: "text", kind: "text", user_id: "text", created_by: "text", name: "text", prefix: "text", token_hash: "text", scopes: "text",
    created_at: "text", expires_at: "text", last_used_at: "text", revoked_at: "text",
  }),
  t("audit_events", ["seq"], {
    seq: "int", id: "text", at: "text", action: "text", actor_type: "text", actor_id: "text", actor_label: "text", target_type: "text",
    target_id: "text", target_label: "text", user_id: "text", team_id: "text", ip: "text", user_agent: "text", details: "text",
    prev_hash: "text", hash: "text",
  }),
  t("audit_head", ["id"], { id: "int", seq: "int", hash: "text" }),
  t("audit_checkpoints", ["seq"], { seq: "int", hash: "text", pruned_at: "text" }),
  t("aws_key_retirements", ["id"], {
    id: "text", key_id: "text", owner_type: "text", owner_id: "text", access_key_id: "text", delete_after: "text", status: "text",
    attempts: "int", claimed_until: "text", last_error: "text", created_at: "text", updated_at: "text",
  }),
  // The gateway: limits, where each stands in its period (a budget's spend moves with the instance), requests, alerts.
  t("spend_limits", ["subject"], { subject: "text", limits: "text", updated_at: "text" }),
  t("limit_windows", ["key"], { key: "text", window_start: "int", used: "int", reserved: "int", reserved_until: "int" }),
  t("gateway_requests", ["id"], {
    id: "text", at: "int", user_id: "text", team_id: "text", key_id: "text", token_id: "text", service: "text", model: "text", status: "int",
    latency_ms: "int", input_tokens: "int", output_tokens: "int", cached_tokens: "int", cost_nano_usd: "int", estimated: "text",
  }),
  t("limit_alerts", ["id"], {
    id: "text", subject: "text", window_start: "int", threshold: "int", at: "text", user_id: "text", team_id: "text", message: "text",
  }),
];

/** Tables a backup leaves out, and why (a restore empties the first four on the target). */
export const SKIPPED_TABLES: Readonly<Record<string, string>> = {
  session: "sign-ins do not survive a restore: everyone signs in again (and a restore under another master key changes the session secret anyway)",
  verification: "short-lived sign-up and reset codes",
  rate_limits: "counters of the current minutes",
  master_key_checks: "the target records its own master key's check",
  kysely_migration: "the target's own migration state",
  kysely_migration_lock: "the target's own migration state",
  backup_runs: "the history of the scheduled backups written where the target runs, which stays its own",
};

/** The tables as the backup sees them: named by the spec, not typed (it copies them generically). */
export type AnyTables = Record<string, Record<string, unknown>>;

export const backupTable = (name: string): BackupTable | undefined => BACKUP_TABLES.find((b) => b.name === name);
