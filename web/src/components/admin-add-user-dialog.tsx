import { UserPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../../src/shared/password.js";
import type { AdminUser, CreateUserBody } from "../../../src/shared/api-schemas.js";
import { ApiError, errorMessage } from "../keyhaven";
import { FormFooter } from "./form-footer";
import { Modal } from "./modal";
import { TextField } from "./text-field";

type Errors = Partial<Record<keyof CreateUserBody, string>>;
const EMPTY = { name: "", email: "", password: "" };

/** The checks the server makes too, so most mistakes show before a request. */
function check(fields: typeof EMPTY): Errors {
  const errors: Errors = {};
  if (!fields.name.trim()) errors.name = "Enter their name";
  if (!fields.email.trim()) errors.email = "Enter their email address";
  else if (!/^[^\s@]+@[^\s@]+$/.test(fields.email.trim())) errors.email = "That doesn't look like an email address";
  if (fields.password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters`;
  else if (fields.password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters`;
  return errors;
}

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  createUser: (body: CreateUserBody) => Promise<AdminUser>;
  onAdded: (user: AdminUser) => void;
}

/** An admin adds an account (also while sign-up is closed); the person signs in with this password. */
export function AdminAddUserDialog({ open, onOpenChange, createUser, onAdded }: Props) {
  const [fields, setFields] = useState(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof EMPTY) => (value: string) => setFields((f) => ({ ...f, [name]: value }));

  function reset(next: boolean) {
    if (!next) {
      setFields(EMPTY);
      setErrors({});
      setServerError(null);
    }
    onOpenChange(next);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = check(fields);
    setErrors(found);
    const first = (["name", "email", "password"] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(`admin-user-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setServerError(null);
    try {
      const user = await createUser({ name: fields.name.trim(), email: fields.email.trim(), password: fields.password });
      reset(false);
      onAdded(user);
    } catch (err) {
      // A taken email belongs next to the email field.
      if (err instanceof ApiError && err.code === "CONFLICT") setErrors({ email: err.message });
      else setServerError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={open} onOpenChange={reset} title="Add a user" description="They sign in with this email and password; tell them the password yourself.">
      <form className="key-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField id="admin-user-name" label="Name" value={fields.name} onValueChange={set("name")} error={errors.name} autoComplete="off" />
        <TextField id="admin-user-email" label="Email" type="email" value={fields.email} onValueChange={set("email")} error={errors.email} autoComplete="off" />
        <TextField
          id="admin-user-password"
          label="Password"
          secret
          value={fields.password}
          onValueChange={set("password")}
          error={errors.password}
          hint={`At least ${PASSWORD_MIN} characters.`}
          autoComplete="new-password"
        />
        <FormFooter error={serverError ? errorMessage(serverError) : null} busy={busy} onCancel={() => reset(false)} icon={UserPlus} label="Add user" />
      </form>
    </Modal>
  );
}
