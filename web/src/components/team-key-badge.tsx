import { Users } from "lucide-react";
import { SHARING_LABELS, type Sharing } from "../../../src/shared/team-roles.js";

/** "Team · use only" or "Team · managed": a team's key, and how it is shared with the members. */
export function TeamKeyBadge({ sharing }: { sharing: Sharing | null }) {
  const how = SHARING_LABELS[sharing ?? "use"].toLowerCase();
  return (
    <span className="badge badge--team" data-testid="team-badge" data-sharing={sharing ?? "use"}>
      <Users size={12} aria-hidden="true" />
      Team · {how}
    </span>
  );
}
