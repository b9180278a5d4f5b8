import { X } from "lucide-react";
import { formatDate, formatDateTime } from "../lib/format-date";
import type { TeamInvitation } from "../lib/organization-api";
import { invitationLink } from "../lib/team-paths";
import { CopyButton, copyNote, useCopy } from "./copy-button";
import { roleLabel } from "./member-row";

/** A pending invitation: to whom, as what, until when; its link to copy, and Cancel. */
export function InvitationRow({ invitation, onCancel }: { invitation: TeamInvitation; onCancel: () => void }) {
  const { copied, copy } = useCopy(invitationLink(window.location.origin, invitation.id));
  return (
    <li className="invitation-row" data-testid="invitation-row" data-email={invitation.email}>
      <div className="invitation-row__main">
        <span className="invitation-row__email">{invitation.email}</span>
        <span className="muted invitation-row__sub">
          {roleLabel(invitation.role)} · <span title={formatDateTime(invitation.expiresAt)}>until {formatDate(invitation.expiresAt)}</span>
        </span>
      </div>
      <div className="invitation-row__actions">
        <span className="sr-only" aria-live="polite">
          {copyNote(copied, "")}
        </span>
        <CopyButton copied={copied} onCopy={() => void copy()} label="Copy link" />
        <button type="button" className="btn btn--ghost btn--sm btn--danger-text" onClick={onCancel} aria-label={`Cancel the invitation for ${invitation.email}`}>
          <X size={14} aria-hidden="true" />
          Cancel
        </button>
      </div>
    </li>
  );
}
