/** What the sign-in and sign-up forms share: checking before the request, and the submit row. */
import type { LucideIcon } from "lucide-react";
import { useState } from "react";
import { errorMessage } from "../keyhaven";
import { checkAccount, type AccountErrors } from "../lib/account-fields";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";

type AccountForm = "sign-in" | "sign-up";

// Field order on the page: the first one in error takes the focus. Sign-in never has a name error.
const FIELD_ORDER = ["name", "email", "password"] as const;

/**
 * The errors to show, and `check`: runs the client-side checks, shows their errors and, when one
 * fails, focuses the first field in error (ids are `${form}-${field}`). True when the form may be sent.
 */
export function useAccountCheck(form: AccountForm) {
  const [errors, setErrors] = useState<AccountErrors>({});
  function check(fields: { name?: string; email: string; password: string }): boolean {
    const found = checkAccount(fields, form);
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) document.getElementById(`${form}-${first}`)?.focus();
    return !first;
  }
  return { errors, check };
}

/** The server's error, if any, and the submit button (a spinner in place of the icon while pending). */
export function AccountSubmit({ pending, error, icon: Icon, label }: { pending: boolean; error: unknown; icon: LucideIcon; label: string }) {
  return (
    <>
      <FormError message={error ? errorMessage(error) : null} />
      <button type="submit" className="btn btn--primary btn--block" disabled={pending}>
        {pending ? <Spinner /> : <Icon size={16} aria-hidden="true" />}
        {label}
      </button>
    </>
  );
}
