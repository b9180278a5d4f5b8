import { Send } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import type { TeamRole } from "../../../src/shared/team-roles.js";
import { errorMessage } from "../keyhaven";
import { formatDateTime } from "../lib/format-date";
import type { TeamInvitation } from "../lib/organization-api";
import { invitationLink } from "../lib/team-paths";
import { CopyButton, copyNote, useCopy } from "./copy-button";
import { Field } from "./field";
import { FormFooter } from "./form-footer";
import { roleLabel } from "./member-row";
import { Modal } from "./modal";
import { TextField } from "./text-field";

interface Props {
  teamName: string;
  /** The roles the viewer may invite as, most powerful first; the last (the least) is the default. */
  roles: TeamRole[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  invite: (body: { email: string; role: TeamRole }) => Promise<TeamInvitation>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Email and role, then the invitation's link to send (the server may also have emailed it). */
export function InviteDialog({ teamName, roles, open, onOpenChange, invite }: Props) {
  const uid = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<TeamRole>(roles[roles.length - 1]);
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<TeamInvitation | null>(null);

  function change(next: boolean) {
    if (!next) {
      setEmail("");
      setRole(roles[roles.length - 1]);
      setEmailError(null);
      setError(null);
      setMade(null);
    }
    onOpenChange(next);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) {
      setEmailError(address ? "That doesn't look like an email address" : "Enter their email address");
      document.getElementById(`${uid}-email`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setMade(await invite({ email: address, role }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={open} onOpenChange={change} title={`Invite to ${teamName}`} description="They join when they open the link and accept, signed in with this email.">
      {made ? (
        <InvitationMade invitation={made} onDone={() => change(false)} />
      ) : (
        <form className="key-form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
          <TextField
            id={`${uid}-email`}
            label="Email"
            type="email"
            autoComplete="off"
            autoFocus
            value={email}
            error={emailError}
            onValueChange={(value) => {
              setEmail(value);
              setEmailError(null);
            }}
          />
          <Field id={`${uid}-role`} label="Role">
            <select id={`${uid}-role`} className="input select" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </Field>
          <FormFooter error={error} busy={busy} onCancel={() => change(false)} icon={Send} label="Create invitation" />
        </form>
      )}
    </Modal>
  );
}

function InvitationMade({ invitation, onDone }: { invitation: TeamInvitation; onDone: () => void }) {
  const link = invitationLink(window.location.origin, invitation.id);
  const { copied, copy } = useCopy(link);
  return (
    <div className="invite-made" data-testid="invitation-made">
      <p>
        Send this link to <strong>{invitation.email}</strong>; it works once, for that email, until {formatDateTime(invitation.expiresAt)}.
      </p>
      <div className="invite-made__link">
        <code className="invite-made__value" data-testid="invitation-link" tabIndex={0} aria-label="Invitation link">
          {link}
        </code>
        <CopyButton copied={copied} onCopy={() => void copy()} variant="primary" label="Copy link" autoFocus />
      </div>
      <p className="muted invite-made__note" aria-live="polite">
        {copyNote(copied, "")}
      </p>
      <div className="form-actions">
        <span className="form-actions__spacer" />
        <button type="button" className="btn btn--secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
