/** What the audit log records: the actions, and an event before it is chained and stored. */

export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "key.create",
  "key.update",
  "key.delete",
  "key.reveal",
  "key.test",
  "key.use",
  "key.rotate",
  "key.rollback",
  "token.create",
  "token.revoke",
  "admin.user_create",
  "admin.user_disable",
  "admin.user_enable",
  "admin.token_create",
  "admin.token_revoke",
  "admin.rotate_master_key",
  "admin.rotate_data_key",
  "backup.export",
  "backup.import",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One event as a domain records it; the store adds id, sequence, time and the chain. */
export interface AuditEventInput {
  action: AuditAction;
  actor: { type: "user" | "token" | "system"; id: string; label: string };
  target?: { type: string; id: string; label?: string | null } | null;
  /** Whose resource this is (who may read the event): a user, and later a team. */
  userId?: string | null;
  teamId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Never a secret: ids, names, counts, outcomes. */
  details?: Record<string, unknown>;
}
