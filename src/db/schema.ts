/** Typed tables. Timestamps are ISO-8601 UTC text in both dialects (sortable, portable). */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface MasterKeyChecksTable {
  kek_version: number;
  check_value: string;
  created_at: string;
}

export interface DataKeysTable {
  id: string;
  owner_type: string;
  owner_id: string;
  /** Room for data-key rotation: a new generation per owner. */
  generation: Generated<number>;
  kek_version: number;
  wrapped_key: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  owner_type: string;
  owner_id: string;
  name: string;
  service: string;
  description: string | null;
  data_key_id: string;
  encrypted_value: string;
  masked_value: string;
  /** JSON text: non-secret per-service settings (region, base URL, header). */
  config: string;
  is_active: number;
  is_default: number;
  expires_at: string | null;
  /** Bumped when the value changes; room for rotation history (api_key_versions). */
  version: Generated<number>;
  usage_count: Generated<number>;
  last_used_at: string | null;
  last_tested_at: string | null;
  last_test_status: string | null;
  last_test_message: string | null;
  created_at: string;
  updated_at: string;
  /** Days between rotations; null: no period. */
  rotation_every_days: Generated<number | null>;
  /** (last_rotated_at ?? created_at) + the period, kept with it; what the scheduler queries. */
  rotation_due_at: Generated<string | null>;
  /** When the current value was set by a value change (rotate, rollback, PUT value); null: since creation. */
  last_rotated_at: Generated<string | null>;
  /** Who set the current value (the audit label of the actor); null for keys older than versions. */
  value_created_by: Generated<string | null>;
  /** The scheduler's claim: the start of the last automatic attempt. */
  rotation_attempt_at: Generated<string | null>;
  /** A team key's sharing with members ("use" | "manage"); null for a personal key. */
  sharing: Generated<string | null>;
}

/**
 * A previous value of a key: the ciphertext as it was in api_keys, bound to this key, its
 * owner and service, `version` and `config` (the key's version and config while it was current).
 */
export interface ApiKeyVersionsTable {
  key_id: string;
  version: number;
  data_key_id: string;
  encrypted_value: string;
  /** When this value became current. */
  created_at: string;
  /** When it was replaced. */
  retired_at: string | null;
  /** JSON text: the config the value was sealed with. */
  config: string;
  masked_value: string;
  created_by: string | null;
}

export interface UsageDailyTable {
  key_id: string;
  owner_type: string;
  owner_id: string;
  service: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  count: number;
}

/** Hand-outs through an access token, per key, token and day (usage_daily holds every hand-out). */
export interface UsageByConsumerTable {
  key_id: string;
  /** `token:<id>`. */
  consumer: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  count: number;
}

export interface AuditEventsTable {
  seq: number;
  id: string;
  at: string;
  action: string;
  actor_type: string;
  actor_id: string;
  actor_label: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  user_id: string | null;
  team_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object; never a secret. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1): the chain's last sequence number and hash. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** The head of what retention pruned: verification starts after it. */
export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  pruned_at: string;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

/** better-auth's user table (camelCase columns are better-auth's own). */
export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: unknown;
  image: string | null;
  createdAt: unknown;
  updatedAt: unknown;
  /** Ours (migration 0005): when an admin disabled the account; null while it is usable. */
  disabledAt: string | null;
}

/** better-auth's session table; `expiresAt` is ISO text on SQLite, a Date from PostgreSQL. */
export interface SessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: string | Date;
  createdAt: unknown;
  updatedAt: unknown;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface AccessTokensTable {
  id: string;
  kind: string;
  user_id: string | null;
  created_by: string;
  name: string;
  prefix: string;
  token_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** An AWS access key rotated out, deleted at IAM after `delete_after` (never its secret). */
export interface AwsKeyRetirementsTable {
  id: string;
  key_id: string;
  owner_type: string;
  owner_id: string;
  access_key_id: string;
  delete_after: string;
  /** "pending" (waiting or to retry), "deleting" (claimed until `claimed_until`), "failed" (gave up). */
  status: string;
  attempts: Generated<number>;
  claimed_until: string | null;
  /** AWS's error code or ours; never a secret. */
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** A scheduled backup by the server (backup/backup-runs.ts): when, how it ended, which file. */
export interface BackupRunsTable {
  id: string;
  /** The run this one comes after ("" for the first); unique: the claim of the next run. */
  follows: string;
  started_at: string;
  finished_at: string | null;
  /** "running", "ok" or "failed". */
  status: string;
  /** The file's name in the backup dir (no path). */
  file: string | null;
  /** bigint: PostgreSQL answers it as text. */
  bytes: number | string | null;
  rows: number | null;
  /** One line: why it failed; never a secret. */
  error: string | null;
  /** Which server wrote it (host name and process id). */
  instance: string;
}

/** better-auth's organization (a team). Dates: ISO text on SQLite, Date from PostgreSQL. */
export interface OrganizationTable {
  id: string;
  name: string;
  slug: string;
  logo: string | null;
  createdAt: string | Date;
  metadata: string | null;
}

/** better-auth's membership row: a person's role in a team. */
export interface MemberTable {
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  createdAt: string | Date;
}

export interface InvitationTable {
  id: string;
  organizationId: string;
  email: string;
  role: string | null;
  status: string;
  expiresAt: string | Date;
  createdAt: Generated<string | Date>;
  inviterId: string;
}

/** Ours: the team a user's hand-outs take a team key from first, among several. */
export interface TeamPreferencesTable {
  user_id: string;
  team_id: string;
  updated_at: string;
}

/** Limits on a key, a token or a team member (gateway/): `limits` is the JSON of `limitsSchema`. */
export interface SpendLimitsTable {
  subject: string;
  limits: string;
  updated_at: string;
}

/** One limit's current window, shared by every instance (limits/limit-store.ts). Money in nano-USD. */
export interface LimitWindowsTable {
  key: string;
  window_start: number;
  used: number;
  reserved: number;
  reserved_until: number;
}

/** One request through the gateway, metered (usage/gateway-ledger.ts). */
export interface GatewayRequestsTable {
  id: string;
  at: number;
  user_id: string | null;
  team_id: string | null;
  key_id: string | null;
  token_id: string | null;
  service: string;
  model: string | null;
  status: number;
  latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_nano_usd: number | null;
  estimated: string | null;
}

/** A budget that reached 80% or 100% in a period. */
export interface LimitAlertsTable {
  id: string;
  subject: string;
  window_start: number;
  threshold: number;
  at: string;
  user_id: string | null;
  team_id: string | null;
  message: string;
}

export interface Database {
  rate_limits: RateLimitsTable;
  user: UserTable;
  session: SessionTable;
  master_key_checks: MasterKeyChecksTable;
  data_keys: DataKeysTable;
  api_keys: ApiKeysTable;
  api_key_versions: ApiKeyVersionsTable;
  usage_daily: UsageDailyTable;
  usage_by_consumer: UsageByConsumerTable;
  access_tokens: AccessTokensTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  audit_checkpoints: AuditCheckpointsTable;
  aws_key_retirements: AwsKeyRetirementsTable;
  backup_runs: BackupRunsTable;
  organization: OrganizationTable;
  member: MemberTable;
  invitation: InvitationTable;
  team_preferences: TeamPreferencesTable;
  spend_limits: SpendLimitsTable;
  limit_windows: LimitWindowsTable;
  gateway_requests: GatewayRequestsTable;
  limit_alerts: LimitAlertsTable;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ApiKeyRowUpdate = Updateable<ApiKeysTable>;
export type ApiKeyVersionRow = Selectable<ApiKeyVersionsTable>;
export type DataKeyRow = Selectable<DataKeysTable>;

export type AccessTokenRow = Selectable<AccessTokensTable>;
