import type { InputHTMLAttributes, ReactNode } from "react";
import { describedBy, Field } from "./field";
import { SecretInput } from "./secret-input";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange" | "children" | "aria-invalid" | "aria-describedby">;

export interface TextFieldProps extends InputProps {
  id: string;
  label: string;
  /** Shown under the control while there is no error. */
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  value: string;
  onValueChange: (value: string) => void;
  /** A <SecretInput> (masked, monospace, "Show" toggle) instead of a plain input; `type` is then ignored. */
  secret?: boolean;
  /** Shown under the control even while there is an error; aria-describedby `${id}-note`. */
  note?: ReactNode;
  /** Marks the control invalid for a reason besides `error` (e.g. live format feedback). */
  "aria-invalid"?: boolean;
  /** Ids of other elements that describe the control; the field's own hint, error and note ids follow. */
  "aria-describedby"?: string;
  /** Rendered after the control, inside the field (e.g. a <datalist>). */
  children?: ReactNode;
}

/** A labelled text input in a <Field>, wired to its hint and error (aria-invalid, aria-describedby). */
export function TextField({
  id,
  label,
  hint,
  error,
  optional,
  value,
  onValueChange,
  secret,
  note,
  children,
  type,
  className,
  "aria-invalid": invalid,
  "aria-describedby": describers,
  ...input
}: TextFieldProps) {
  const control = {
    ...input,
    id,
    value,
    onChange: (e: { target: HTMLInputElement }) => onValueChange(e.target.value),
    "aria-invalid": Boolean(error) || Boolean(invalid),
    "aria-describedby":
      [describers, describedBy(id, { hint: Boolean(hint), error: Boolean(error) }), note ? `${id}-note` : ""].filter(Boolean).join(" ") || undefined,
  };
  return (
    <Field id={id} label={label} hint={hint} error={error} optional={optional}>
      {secret ? <SecretInput {...control} className={className} /> : <input {...control} type={type} className={className ? `input ${className}` : "input"} />}
      {note ? (
        <p className="field__hint" id={`${id}-note`}>
          {note}
        </p>
      ) : null}
      {children}
    </Field>
  );
}
