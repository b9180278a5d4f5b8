import { EyeOff } from "lucide-react";
import { useEffect } from "react";
import type { ApiKeyWithValue } from "../keyhaven";
import { CopyButton, copyNote, useCopy } from "./copy-button";

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
  const text = valueAsText(value);
  const { copied, copy } = useCopy(text);

  useEffect(() => {
    const timer = window.setTimeout(() => onHide("timeout"), AUTO_HIDE_MS);
    return () => window.clearTimeout(timer);
  }, [onHide]);

  return (
    <div className="revealed">
      <pre className="revealed__value" data-testid="revealed-value" tabIndex={0} aria-label="Key value">
        {text}
      </pre>
      <div className="revealed__actions">
        <CopyButton copied={copied} onCopy={() => void copy()} autoFocus />
        <button type="button" className="btn btn--ghost btn--sm" onClick={() => onHide("button")}>
          <EyeOff size={14} aria-hidden="true" />
          Hide
        </button>
        <span className="revealed__note" aria-live="polite">
          {copyNote(copied, "Hides itself after a minute")}
        </span>
      </div>
    </div>
  );
}
