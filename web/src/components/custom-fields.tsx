import type { DraftErrors, KeyDraftState } from "../lib/key-draft";
import { checkBaseUrl } from "../lib/key-format";
import { draftFieldBinder, VERBATIM } from "./draft-fields";
import { TextField } from "./text-field";

interface Props {
  uid: string;
  draft: KeyDraftState;
  errors: DraftErrors;
  onChange: (patch: Partial<KeyDraftState>) => void;
}

/** Where a custom endpoint lives and how the key is sent to it. */
export function CustomFields({ uid, draft, errors, onChange }: Props) {
  const field = draftFieldBinder(uid, draft, errors, onChange);
  const url = draft.baseUrl.trim() ? checkBaseUrl(draft.baseUrl) : null;
  const urlNote = url?.state === "ok" && url.message ? url.message : null;
  return (
    <fieldset className="fieldset">
      <legend className="fieldset__legend">Endpoint</legend>
      <TextField
        {...field("baseUrl")}
        {...VERBATIM}
        label="Base URL"
        hint={urlNote ?? "The test calls GET {base URL}/models."}
        type="url"
        inputMode="url"
        placeholder="https://llm.example.com/v1"
      />
      <div className="field-row">
        <TextField {...field("headerName")} {...VERBATIM} label="Header name" hint="Default: Authorization" className="input--mono" placeholder="Authorization" />
        <TextField
          {...field("headerPrefix")}
          {...VERBATIM}
          label="Header prefix"
          hint="Sent before the key, space included; empty sends the key alone."
          className="input--mono"
          placeholder="Bearer "
        />
      </div>
    </fieldset>
  );
}
