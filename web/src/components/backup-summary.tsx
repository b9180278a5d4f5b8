import type { BackupStatus } from "../../../src/shared/api-schemas.js";
import { formatBytes } from "../lib/format-bytes";
import { formatRelative } from "../lib/format-date";
import { StatCard } from "./stat-card";

/** The scheduled backups at a glance: on or off, the last one (when, how big, verified) and the next. */
export function BackupSummary({ status }: { status: BackupStatus }) {
  const last = status.last;
  const verified = last ? (last.status === "ok" ? "Yes" : last.status === "running" ? "Not yet" : "No") : "—";
  return (
    <dl className="stat-grid" data-testid="backup-summary">
      <StatCard label="Scheduled backups" value={status.enabled ? "On" : "Off"} tone={status.enabled ? "success" : "muted"} />
      <StatCard label="Last backup" value={last ? formatRelative(last.startedAt) : "None yet"} tone={last?.status === "failed" ? "danger" : undefined} />
      <StatCard label="Size" value={formatBytes(last?.bytes ?? null)} />
      <StatCard label="Verified" value={verified} tone={last?.status === "ok" ? "success" : last?.status === "failed" ? "danger" : "muted"} />
      <StatCard label="Next due" value={status.nextDueAt ? formatRelative(status.nextDueAt) : "—"} tone={status.alert ? "warning" : undefined} />
    </dl>
  );
}
