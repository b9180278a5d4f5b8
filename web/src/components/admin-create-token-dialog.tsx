import { Plug } from "lucide-react";
import { useState, type FormEvent } from "react";
import { SERVICE_TOKEN_SCOPES, type CreatedToken, type CreateServiceTokenBody } from "../../../src/shared/api-schemas.js";
import { errorMessage } from "../keyhaven";
import { dateInputToIso, todayDateInput } from "../lib/format-date";
import { AdminTokenCreated } from "./admin-token-created";
import { FormError } from "./form-error";
import { Modal } from "./modal";
import { Spinner } from "./spinner";
import { TextField } from "./text-field";

/** What each scope a service token can have lets it do, in the form's words. */
const SCOPE_TEXT: Record<(typeof SERVICE_TOKEN_SCOPES)[number], string> = {
  resolve: "Hand out any user's key to the application (never list, read or change keys)",
};

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  createToken: (body: CreateServiceTokenBody) => Promise<CreatedToken>;
}

/** Name, scopes and an optional expiry; then the token, shown once, in the same dialog. */
export function AdminCreateTokenDialog({ open, onOpenChange, createToken }: Props) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<CreateServiceTokenBody["scopes"]>([...SERVICE_TOKEN_SCOPES]);
  const [expires, setExpires] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  function close(next: boolean) {
    if (!next) {
      setName("");
      setScopes([...SERVICE_TOKEN_SCOPES]);
      setExpires("");
      setNameError(null);
      setServerError(null);
      setCreated(null);
    }
    onOpenChange(next);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setNameError("Name the application that will use it");
      document.getElementById("admin-token-name")?.focus();
      return;
    }
    setNameError(null);
    setBusy(true);
    setServerError(null);
    try {
      const answer = await createToken({ name: name.trim(), scopes, expiresAt: dateInputToIso(expires) });
      setCreated(answer.token);
    } catch (err) {
      setServerError(err);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (scope: (typeof SERVICE_TOKEN_SCOPES)[number], on: boolean) =>
    setScopes((s) => (on ? [...new Set([...s, scope])] : s.filter((x) => x !== scope)));

  return (
    <Modal
      open={open}
      onOpenChange={close}
      title={created ? "Service token created" : "Create a service token"}
      description={created ? undefined : "For an application that fetches users' keys over HTTP. It belongs to the instance, not to you."}
    >
      {created ? (
        <AdminTokenCreated token={created} onDone={() => close(false)} />
      ) : (
        <form className="key-form" onSubmit={(e) => void submit(e)} noValidate>
          <TextField id="admin-token-name" label="Name" value={name} onValueChange={setName} error={nameError} placeholder="e.g. billing-worker" maxLength={100} autoComplete="off" />
          <fieldset className="fieldset">
            <legend className="fieldset__legend">Scopes</legend>
            {SERVICE_TOKEN_SCOPES.map((scope) => (
              <label key={scope} className="admin-scope">
                <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
                <span>
                  <code className="admin-scope__name">{scope}</code>
                  <span className="admin-scope__text">{SCOPE_TEXT[scope]}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <TextField id="admin-token-expires" label="Expires" optional type="date" min={todayDateInput()} value={expires} onValueChange={setExpires} hint="Usable through the end of that day. Empty: until revoked." />
          <FormError message={serverError ? errorMessage(serverError) : null} />
          <div className="form-actions">
            <span className="form-actions__spacer" />
            <button type="button" className="btn btn--ghost" onClick={() => close(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary" disabled={busy || scopes.length === 0}>
              {busy ? <Spinner /> : <Plug size={16} aria-hidden="true" />}
              Create token
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
