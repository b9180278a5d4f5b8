import type { ReactNode } from "react";

interface FieldProps {
  id: string;
  label: string;
  /** Shown under the control (replaced by the error while there is one); aria-describedby `${id}-hint`. */
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  children: ReactNode;
}

/** Label, control, hint and error in one column; the control must carry `id` and the describedby ids. */
export function Field({ id, label, hint, error, optional, children }: FieldProps) {
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> (optional)</span>}
      </label>
      {children}
      {hint && !error && (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The aria-describedby value for a control inside <Field>. */
export function describedBy(id: string, opts: { hint?: boolean; error?: boolean }): string | undefined {
  const ids = [opts.hint && `${id}-hint`, opts.error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}
