import { KeySquare } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { errorMessage, type CreateTokenBody } from "../keyhaven";
import { buildTokenBody, emptyTokenDraft, fieldErrorsFrom, TOKEN_NAME_MAX, type TokenDraft, type TokenDraftErrors } from "../lib/token-draft";
import { ExpiryField } from "./expiry-field";
import { FormFooter } from "./form-footer";
import { ScopeCheckboxes } from "./scope-checkboxes";
import { TextField } from "./text-field";

interface Props {
  /** Creates the token; a throw stays in the form (field errors from its details, the message above the buttons). */
  onSubmit: (body: CreateTokenBody) => Promise<void>;
  onCancel: () => void;
}

/** Name, scopes and expiry of a new access token. */
export function TokenForm({ onSubmit, onCancel }: Props) {
  const uid = useId();
  const ids = { name: `${uid}-name`, scopes: `${uid}-scopes`, expiry: `${uid}-expiry` };
  const [draft, setDraft] = useState<TokenDraft>(emptyTokenDraft);
  const [errors, setErrors] = useState<TokenDraftErrors>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  function update(patch: Partial<TokenDraft>, field: keyof TokenDraftErrors) {
    setDraft((d) => ({ ...d, ...patch }));
    setSubmitError(null);
    setErrors(({ [field]: _, ...rest }) => rest);
  }

  /** The first field with an error gets the focus, so a keyboard user lands on what to fix. */
  function focusFirst(found: TokenDraftErrors) {
    const first = (["name", "scopes", "expiry"] as const).find((f) => found[f]);
    if (first === "scopes") document.querySelector<HTMLInputElement>(`[id^="${ids.scopes}-"]`)?.focus();
    else if (first) document.getElementById(ids[first])?.focus();
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const built = buildTokenBody(draft);
    if ("errors" in built) {
      setErrors(built.errors);
      focusFirst(built.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    setSubmitError(null);
    try {
      await onSubmit(built.body);
    } catch (err) {
      const fields = fieldErrorsFrom(err);
      setErrors(fields);
      setSubmitError(errorMessage(err));
      focusFirst(fields);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="token-form" onSubmit={handleSubmit} noValidate aria-busy={saving}>
      <TextField
        id={ids.name}
        label="Name"
        hint="What uses it, so you know what breaks when you revoke it."
        error={errors.name}
        value={draft.name}
        onValueChange={(name) => update({ name }, "name")}
        placeholder="e.g. CI deploy, billing service"
        maxLength={TOKEN_NAME_MAX}
        autoComplete="off"
        // The one field everyone fills: start there rather than on the dialog's Close button.
        autoFocus
      />
      <ScopeCheckboxes id={ids.scopes} value={draft.scopes} onChange={(scopes) => update({ scopes }, "scopes")} error={errors.scopes} />
      <ExpiryField id={ids.expiry} choice={draft.expiry} date={draft.date} error={errors.expiry} onChange={(patch) => update(patch, "expiry")} />

      <FormFooter error={submitError} busy={saving} onCancel={onCancel} icon={KeySquare} label="Create token" />
    </form>
  );
}
