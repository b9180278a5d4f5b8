import { Check, Copy, TriangleAlert } from "lucide-react";
import { useEffect, useState, type RefObject } from "react";
import type { CreatedToken } from "../keyhaven";
import { copyText } from "../lib/clipboard";
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
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(null), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await copyText(created.token);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

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
        <button ref={copyRef} type="button" className="btn btn--primary btn--sm" onClick={copy}>
          {copied === "yes" ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
          Copy
        </button>
      </div>
      <p className="created-token__note" aria-live="polite">
        {copied === "yes" ? "Copied to clipboard" : copied === "failed" ? "Copy failed — select the token and copy it yourself" : ""}
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
