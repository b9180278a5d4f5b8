/**
 * The Audit page's filters as the API takes them: the same query string for the list and the
 * export link, so the file is exactly the filtered view. Days are picked in local time: "from"
 * is the start of that day, "to" the start of the day after (the API's `to` is exclusive).
 */
import { AUDIT_ACTION_GROUPS, type AuditAction } from "../../../src/shared/audit-actions.js";

export interface AuditFilters {
  action: string;
  keyId: string;
  actorId: string;
  /** `YYYY-MM-DD` from `<input type="date">`, or "". */
  from: string;
  to: string;
  /** Admins: every user's events. */
  all: boolean;
}

export const NO_AUDIT_FILTERS: AuditFilters = { action: "", keyId: "", actorId: "", from: "", to: "", all: false };

function localDay(value: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
}

export function auditSearchParams(f: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.action) params.set("action", f.action);
  if (f.keyId) params.set("keyId", f.keyId);
  if (f.actorId) params.set("actorId", f.actorId);
  const from = localDay(f.from);
  const to = localDay(f.to, 1);
  if (from) params.set("from", from);
  if (to) params.set("to", to);
  if (f.all) params.set("all", "true");
  return params;
}

export const hasAuditFilters = (f: AuditFilters) => Boolean(f.action || f.keyId || f.actorId || f.from || f.to);

/** The export's URL: a plain link, so the browser downloads it with the session cookie. */
export function auditExportUrl(baseUrl: string, f: AuditFilters, format: "csv" | "jsonl"): string {
  const params = auditSearchParams(f);
  params.set("format", format);
  return `${baseUrl}/api/audit/export?${params.toString()}`;
}

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Failed sign-in",
  "auth.sign_out": "Signed out",
  "key.create": "Key added",
  "key.update": "Key changed",
  "key.delete": "Key deleted",
  "key.reveal": "Key revealed",
  "key.test": "Key tested",
  "key.use": "Key used (hand-outs)",
  "key.rotate": "Key rotated",
  "key.rollback": "Key rolled back",
  "token.create": "Access token created",
  "token.revoke": "Access token revoked",
  "team.create": "Team created",
  "team.update": "Team renamed",
  "team.delete": "Team deleted",
  "team.invite": "Invitation sent",
  "team.invite_cancel": "Invitation cancelled",
  "team.join": "Member joined",
  "team.leave": "Member left",
  "team.remove_member": "Member removed",
  "team.role_change": "Role changed",
  "admin.user_create": "Account added",
  "admin.user_disable": "Account disabled",
  "admin.user_enable": "Account enabled",
  "admin.token_create": "Service token created",
  "admin.token_revoke": "Service token revoked",
  "admin.rotate_master_key": "Master key rotated",
  "admin.rotate_data_key": "Data key rotated",
  "backup.export": "Backup exported",
  "backup.import": "Backup imported",
  "audit.prune": "Old events pruned",
};

export const AUDIT_ACTION_OPTIONS = Object.entries(AUDIT_ACTION_GROUPS).map(([group, actions]) => ({
  group,
  actions: actions.map((action) => ({ value: action, label: AUDIT_ACTION_LABELS[action] })),
}));
