import type { BackupRunView } from "../../../src/shared/api-schemas.js";

/** The key status badges' colours: green, amber, red. */
const LOOK: Record<BackupRunView["status"], { className: string; label: string }> = {
  ok: { className: "badge--active", label: "Written and verified" },
  running: { className: "badge--expiring-soon", label: "Running" },
  failed: { className: "badge--expired", label: "Failed" },
};

export function BackupRunBadge({ status }: { status: BackupRunView["status"] }) {
  const look = LOOK[status];
  return (
    <span className={`badge ${look.className}`} data-testid="backup-run-status" data-status={status}>
      <span className="badge__dot" aria-hidden="true" />
      {look.label}
    </span>
  );
}
