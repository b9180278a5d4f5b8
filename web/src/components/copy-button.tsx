import { Check, Copy } from "lucide-react";
import { useEffect, useState, type RefObject } from "react";
import { copyText } from "../lib/clipboard";

export type CopyState = "yes" | "failed" | null;

/** Copies `text` on demand and remembers the outcome for a moment, for a live note beside the button. */
export function useCopy(text: string) {
  const [copied, setCopied] = useState<CopyState>(null);
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
  return { copied, copy };
}

/** What the note beside a Copy button says: the outcome, else `idle`. */
export function copyNote(copied: CopyState, idle: string, failed = "Copy failed — select the text instead"): string {
  return copied === "yes" ? "Copied to clipboard" : copied === "failed" ? failed : idle;
}

interface CopyButtonProps {
  copied: CopyState;
  onCopy: () => void;
  variant?: "primary" | "secondary";
  autoFocus?: boolean;
  buttonRef?: RefObject<HTMLButtonElement | null>;
  /** The button's text, "Copy" unless told (e.g. "Copy link"). */
  label?: string;
}

export function CopyButton({ copied, onCopy, variant = "secondary", autoFocus, buttonRef, label = "Copy" }: CopyButtonProps) {
  return (
    <button ref={buttonRef} type="button" className={`btn btn--${variant} btn--sm`} onClick={onCopy} autoFocus={autoFocus}>
      {copied === "yes" ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
      {label}
    </button>
  );
}
