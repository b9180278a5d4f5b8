import { TriangleAlert } from "lucide-react";
import { CopyButton, copyNote, useCopy } from "./copy-button";

/** A new service token, shown this once: the value, a Copy button, and why to copy it now. */
export function AdminTokenCreated({ token, onDone }: { token: string; onDone: () => void }) {
  const { copied, copy } = useCopy(token);

  return (
    <div className="admin-created">
      <div className="warning-note" role="note">
        <TriangleAlert size={16} aria-hidden="true" />
        <p>Copy this token now: it is shown only once. Keyhaven keeps only its hash, so it cannot show it again.</p>
      </div>
      <pre className="revealed__value" data-testid="admin-created-token" tabIndex={0} aria-label="Service token">
        {token}
      </pre>
      <div className="revealed__actions">
        <CopyButton copied={copied} onCopy={() => void copy()} autoFocus />
        <span className="revealed__note" aria-live="polite">
          {copyNote(copied, "Your application sends it as Authorization: Bearer")}
        </span>
      </div>
      <div className="form-actions">
        <span className="form-actions__spacer" />
        <button type="button" className="btn btn--primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
