import { TriangleAlert } from "lucide-react";
import type { RefObject } from "react";
import type { CreatedToken } from "../keyhaven";
import { CopyButton, copyNote, useCopy } from "./copy-button";
import { TokenUsageHint } from "./token-usage-hint";

interface Props {
  created: CreatedToken;
  /** Dismissing drops the token from memory: there is no way back to it. */
  onDismiss: () => void;
  /** The Copy button, where focus lands when the new-token dialog closes. */
  copyRef?: RefObject<HTMLButtonElement | null>;
}

/** A just-created token, the one time it is shown: copy it, see how to use it, dismiss it. */
export function CreatedTokenPanel({ created, onDismiss, copyRef }: Props) {
  const { copied, copy } = useCopy(created.token);

  return (
    <section className="created-token" aria-labelledby="created-token-title" data-testid="created-token">
      <h2 className="created-token__title" id="created-token-title">
        Your new token “{created.accessToken.name}”
      </h2>
      <p className="created-token__warning">
        <TriangleAlert size={16} aria-hidden="true" />
        <span>
          <strong>Copy it now — you won’t see it again.</strong> Keyhaven keeps only a fingerprint of it.
        </span>
      </p>
      <div className="created-token__value-row">
        <code className="created-token__value" data-testid="created-token-value" tabIndex={0} aria-label="New access token">
          {created.token}
        </code>
        <CopyButton copied={copied} onCopy={() => void copy()} variant="primary" buttonRef={copyRef} />
      </div>
      <p className="created-token__note" aria-live="polite">
        {copyNote(copied, "", "Copy failed — select the token and copy it yourself")}
      </p>
      <TokenUsageHint scopes={created.accessToken.scopes} />
      <div className="created-token__actions">
        <button type="button" className="btn btn--secondary btn--sm" onClick={onDismiss}>
          I’ve copied it, hide it
        </button>
      </div>
    </section>
  );
}
