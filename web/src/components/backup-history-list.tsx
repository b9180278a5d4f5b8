import type { AuditEvent } from "../../../src/shared/api-schemas.js";
import { formatBytes } from "../lib/format-bytes";
import { formatDateTime } from "../lib/format-date";
import { BackupRunBadge } from "./backup-run-badge";

const numberOr = (value: unknown): number | null => (typeof value === "number" ? value : null);

/** The scheduled backups written and verified, newest first, from their audit events. */
export function BackupHistoryList({ events }: { events: AuditEvent[] }) {
  return (
    <ul className="admin-list" aria-label="Backup history" data-testid="backup-history">
      {events.map((event) => (
        <li key={event.id} className="admin-row admin-row--token" data-testid="backup-history-row">
          <div className="admin-row__main">
            <p className="admin-row__title">
              <span className="admin-row__name">{formatDateTime(event.at)}</span>
              <BackupRunBadge status="ok" />
            </p>
            <p className="admin-row__sub">
              <code className="admin-row__email">{typeof event.details.file === "string" ? event.details.file : event.target?.label}</code>
              <span className="sep" aria-hidden="true">
                ·
              </span>
              <span>{formatBytes(numberOr(event.details.bytes))}</span>
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
