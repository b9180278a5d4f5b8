import { describedBy, Field } from "./field";

interface Props {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
  /** File types the picker offers first (the `accept` attribute). */
  accept?: string;
  onFile: (file: File | null) => void;
}

/** A labelled file picker in a <Field>: the browser's own control, so it works from the keyboard. */
export function FileField({ id, label, hint, error, accept, onFile }: Props) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        type="file"
        className="input file-input"
        accept={accept}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(id, { hint: Boolean(hint), error: Boolean(error) })}
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
    </Field>
  );
}
