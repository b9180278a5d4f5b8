import { Check, Copy, TriangleAlert } from "lucide-react";
import { useEffect, useState } from "react";
import { copyText } from "../lib/clipboard";

/** A new service token, shown this once: the value, a Copy button, and why to copy it now. */
export function AdminTokenCreated({ token, onDone }: { token: string; onDone: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(null), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await copyText(token);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <div className="admin-created">
      <div className="admin-created__warning" role="note">
        <TriangleAlert size={16} aria-hidden="true" />
        <p>Copy this token now: it is shown only once. Keyhaven keeps only its hash, so it cannot show it again.</p>
      </div>
      <pre className="revealed__value" data-testid="admin-created-token" tabIndex={0} aria-label="Service token">
        {token}
      </pre>
      <div className="revealed__actions">
        <button type="button" className="btn btn--secondary btn--sm" onClick={() => void copy()} autoFocus>
          {copied === "yes" ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
          Copy
        </button>
        <span className="revealed__note" aria-live="polite">
          {copied === "yes" ? "Copied to clipboard" : copied === "failed" ? "Copy failed — select the text instead" : "Your application sends it as Authorization: Bearer"}
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
