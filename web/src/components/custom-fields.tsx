import type { DraftErrors, KeyDraftState } from "../lib/key-draft";
import { checkBaseUrl } from "../lib/key-format";
import { TextField } from "./text-field";

interface Props {
  uid: string;
  draft: KeyDraftState;
  errors: DraftErrors;
  onChange: (patch: Partial<KeyDraftState>) => void;
}

/** Where a custom endpoint lives and how the key is sent to it. */
export function CustomFields({ uid, draft, errors, onChange }: Props) {
  const id = (name: keyof KeyDraftState) => `${uid}-${name}`;
  const url = draft.baseUrl.trim() ? checkBaseUrl(draft.baseUrl) : null;
  const urlNote = url?.state === "ok" && url.message ? url.message : null;
  return (
    <fieldset className="fieldset">
      <legend className="fieldset__legend">Endpoint</legend>
      <TextField
        id={id("baseUrl")}
        label="Base URL"
        error={errors.baseUrl}
        hint={urlNote ?? "The test calls GET {base URL}/models."}
        type="url"
        inputMode="url"
        value={draft.baseUrl}
        onValueChange={(baseUrl) => onChange({ baseUrl })}
        placeholder="https://llm.example.com/v1"
        autoComplete="off"
        spellCheck={false}
      />
      <div className="field-row">
        <TextField
          id={id("headerName")}
          label="Header name"
          hint="Default: Authorization"
          className="input--mono"
          value={draft.headerName}
          onValueChange={(headerName) => onChange({ headerName })}
          placeholder="Authorization"
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id={id("headerPrefix")}
          label="Header prefix"
          hint="Sent before the key, space included; empty sends the key alone."
          className="input--mono"
          value={draft.headerPrefix}
          onValueChange={(headerPrefix) => onChange({ headerPrefix })}
          placeholder="Bearer "
          autoComplete="off"
          spellCheck={false}
        />
      </div>
    </fieldset>
  );
}
