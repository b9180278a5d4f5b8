import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";

interface Props {
  /** The form-level error (the server's), shown above the buttons. */
  error: string | null;
  /** Disables the submit button and shows a spinner in place of its icon. */
  busy: boolean;
  onCancel: () => void;
  icon: LucideIcon;
  /** The submit button's text. */
  label: string;
  /** Other buttons, on the left (e.g. the key form's Test). */
  children?: ReactNode;
}

/** The end of a dialog's form: its error, if any, then Cancel and the submit button on the right (a spinner in place of its icon while busy). */
export function FormFooter({ error, busy, onCancel, icon: Icon, label, children }: Props) {
  return (
    <>
      <FormError message={error} />
      <div className="form-actions">
        {children}
        <span className="form-actions__spacer" />
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {busy ? <Spinner /> : <Icon size={16} aria-hidden="true" />}
          {label}
        </button>
      </div>
    </>
  );
}
