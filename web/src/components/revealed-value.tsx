import { Check, Copy, EyeOff } from "lucide-react";
import { useEffect, useState } from "react";
import type { ApiKeyWithValue } from "../keyhaven";
import { copyText } from "../lib/clipboard";

const AUTO_HIDE_MS = 60_000;

/** How a revealed value is shown and copied: the string, or AWS credentials as env lines. */
export function valueAsText(value: ApiKeyWithValue["value"]): string {
  if (typeof value === "string") return value;
  return [
    `AWS_ACCESS_KEY_ID=${value.accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${value.secretAccessKey}`,
    ...(value.sessionToken ? [`AWS_SESSION_TOKEN=${value.sessionToken}`] : []),
  ].join("\n");
}

/** The secret on screen, with Copy and Hide; it hides itself after a minute. */
export function RevealedValue({ value, onHide }: { value: ApiKeyWithValue["value"]; onHide: (reason: "button" | "timeout") => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const text = valueAsText(value);

  useEffect(() => {
    const timer = window.setTimeout(() => onHide("timeout"), AUTO_HIDE_MS);
    return () => window.clearTimeout(timer);
  }, [onHide]);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(null), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await copyText(text);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <div className="revealed">
      <pre className="revealed__value" data-testid="revealed-value" tabIndex={0} aria-label="Key value">
        {text}
      </pre>
      <div className="revealed__actions">
        <button type="button" className="btn btn--secondary btn--sm" onClick={copy} autoFocus>
          {copied === "yes" ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
          Copy
        </button>
        <button type="button" className="btn btn--ghost btn--sm" onClick={() => onHide("button")}>
          <EyeOff size={14} aria-hidden="true" />
          Hide
        </button>
        <span className="revealed__note" aria-live="polite">
          {copied === "yes" ? "Copied to clipboard" : copied === "failed" ? "Copy failed — select the text instead" : "Hides itself after a minute"}
        </span>
      </div>
    </div>
  );
}
