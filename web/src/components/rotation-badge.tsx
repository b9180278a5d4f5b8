import { RefreshCw } from "lucide-react";
import type { ApiKey } from "../keyhaven";
import { formatDate } from "../lib/format-date";
import { keyRotationState } from "../lib/rotation";

/** "Rotation due" / "Rotation overdue" beside the status badge; nothing while the key is not due. */
export function RotationBadge({ apiKey }: { apiKey: ApiKey }) {
  const state = keyRotationState(apiKey);
  if (state !== "due" && state !== "overdue") return null;
  return (
    <span
      className={`badge badge--rotation-${state}`}
      data-testid="rotation-badge"
      data-state={state}
      title={`Rotation due ${formatDate(apiKey.rotation.dueAt)}`}
    >
      <RefreshCw size={12} aria-hidden="true" />
      {state === "overdue" ? "Rotation overdue" : "Rotation due"}
    </span>
  );
}
