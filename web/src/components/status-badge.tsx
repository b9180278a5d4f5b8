import { STATUS_LABEL, type KeyStatus } from "../lib/key-status";

export function StatusBadge({ status }: { status: KeyStatus }) {
  return (
    <span className={`badge badge--${status}`} data-testid="status-badge" data-status={status}>
      <span className="badge__dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
