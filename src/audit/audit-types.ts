/** What the audit log records: the actions, and an event before it is chained and stored. */

// The list lives in src/shared/ (the web app's filter and sentences use it too).
import type { AuditAction } from "../shared/audit-actions.js";
export { AUDIT_ACTIONS, type AuditAction } from "../shared/audit-actions.js";

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
