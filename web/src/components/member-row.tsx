import { Check, Gauge, UserMinus } from "lucide-react";
import { useState } from "react";
import { isTeamRole, TEAM_ROLE_LABELS, type TeamRole } from "../../../src/shared/team-roles.js";
import { formatDate } from "../lib/format-date";
import type { TeamMember } from "../lib/organization-api";
import { Spinner } from "./spinner";

interface Props {
  member: TeamMember;
  isSelf: boolean;
  /** The roles the viewer may give this member; empty when they may not change or remove them. */
  roles: TeamRole[];
  onRoleChange: (role: TeamRole) => void;
  changingRole: boolean;
  onRemove: () => void;
  /** Opens the member's gateway limits; absent when the viewer may not set them. */
  onLimits?: () => void;
}

/** A role as people read it; a role from outside our table (better-auth allows any) as it is. */
export const roleLabel = (role: string) => (isTeamRole(role) ? TEAM_ROLE_LABELS[role] : role);

/**
 * One member in the members table: who, their role (a select for those who may change it), since
 * when, Remove. A new role is saved by its own button: arrow keys on a closed select change its
 * value, and each change must not be a request (nor make an owner by accident).
 */
export function MemberRow({ member, isSelf, roles, onRoleChange, changingRole, onRemove, onLimits }: Props) {
  const who = member.user.name || member.user.email;
  const manage = roles.length > 0;
  const [draft, setDraft] = useState(member.role);
  // The server's answer wins: a refetched role resets the choice.
  const [seen, setSeen] = useState(member.role);
  if (seen !== member.role) {
    setSeen(member.role);
    setDraft(member.role);
  }
  return (
    <tr data-testid="member-row" data-email={member.user.email}>
      <th scope="row" data-label="Name">
        <span className="member__name">{who}</span>
        {isSelf && <span className="admin-tag">You</span>}
      </th>
      <td data-label="Email" className="member__email">
        {member.user.email}
      </td>
      <td data-label="Role">
        {manage ? (
          <span className="member__role">
            <select
              className="input select input--compact"
              aria-label={`Role for ${member.user.email}`}
              value={draft}
              disabled={changingRole}
              onChange={(e) => setDraft(e.target.value)}
            >
              {/* Their current role stays listed even if the viewer could not give it. */}
              {[...new Set([member.role, ...roles])].map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
            {changingRole ? (
              <Spinner size={14} />
            ) : (
              draft !== member.role && (
                <button
                  type="button"
                  className="btn btn--secondary btn--sm"
                  onClick={() => onRoleChange(draft as TeamRole)}
                  aria-label={`Save role for ${member.user.email}`}
                >
                  <Check size={14} aria-hidden="true" />
                  Save
                </button>
              )
            )}
          </span>
        ) : (
          roleLabel(member.role)
        )}
      </td>
      <td data-label="Joined">{formatDate(member.createdAt)}</td>
      <td className="member__actions">
        {onLimits && (
          <button type="button" className="btn btn--ghost btn--sm" onClick={onLimits} aria-label={`Limits for ${member.user.email}`}>
            <Gauge size={14} aria-hidden="true" />
            Limits
          </button>
        )}
        {manage && (
          <button type="button" className="btn btn--ghost btn--sm btn--danger-text" onClick={onRemove} aria-label={`Remove ${member.user.email}`}>
            <UserMinus size={14} aria-hidden="true" />
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}
