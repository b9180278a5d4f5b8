/**
 * Every action the audit log records, in groups (the Audit page's filter shows them so). The
 * one list: the server's audit-types.ts, the filter, the sentences and the export all use it.
 * Imports nothing, so the web app can bundle it.
 */
export const AUDIT_ACTION_GROUPS = {
  "Sign-in": ["auth.sign_in", "auth.sign_in_failed", "auth.sign_out"],
  Keys: ["key.create", "key.update", "key.delete", "key.reveal", "key.test", "key.use", "key.rotate", "key.rollback"],
  "Access tokens": ["token.create", "token.revoke"],
  Teams: [
    "team.create",
    "team.update",
    "team.delete",
    "team.invite",
    "team.invite_cancel",
    "team.join",
    "team.leave",
    "team.remove_member",
    "team.role_change",
  ],
  Admin: ["admin.user_create", "admin.user_disable", "admin.user_enable", "admin.token_create", "admin.token_revoke"],
  Instance: ["admin.rotate_master_key", "admin.rotate_data_key", "backup.export", "backup.import", "audit.prune"],
} as const;

export type AuditAction = (typeof AUDIT_ACTION_GROUPS)[keyof typeof AUDIT_ACTION_GROUPS][number];

export const AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AUDIT_ACTION_GROUPS).flat();
