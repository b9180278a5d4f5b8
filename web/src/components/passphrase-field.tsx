import type { ReactNode } from "react";
import { TextField } from "./text-field";

interface Props {
  id: string;
  /** "Passphrase" unless told. */
  label?: string;
  hint?: ReactNode;
  error?: string | null;
  value: string;
  onValueChange: (value: string) => void;
  /** "new-password" where one is chosen (a manager may offer to save it), "off" where one is typed back. */
  autoComplete: "new-password" | "off";
  autoFocus?: boolean;
}

/** A keys file's passphrase: a masked input with its "Show" toggle, wired to its hint and error. */
export function PassphraseField({ label = "Passphrase", ...field }: Props) {
  return <TextField {...field} label={label} secret />;
}
