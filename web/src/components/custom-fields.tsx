import type { DraftErrors, KeyDraftState } from "../lib/key-draft";
import { checkBaseUrl } from "../lib/key-format";
import { describedBy, Field } from "./field";

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
      <Field id={id("baseUrl")} label="Base URL" error={errors.baseUrl} hint={urlNote ?? "The test calls GET {base URL}/models."}>
        <input
          id={id("baseUrl")}
          type="url"
          inputMode="url"
          className="input"
          value={draft.baseUrl}
          onChange={(e) => onChange({ baseUrl: e.target.value })}
          placeholder="https://llm.example.com/v1"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={Boolean(errors.baseUrl)}
          aria-describedby={describedBy(id("baseUrl"), { hint: true, error: Boolean(errors.baseUrl) })}
        />
      </Field>
      <div className="field-row">
        <Field id={id("headerName")} label="Header name" hint="Default: Authorization">
          <input
            id={id("headerName")}
            className="input input--mono"
            value={draft.headerName}
            onChange={(e) => onChange({ headerName: e.target.value })}
            placeholder="Authorization"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id("headerName")}-hint`}
          />
        </Field>
        <Field id={id("headerPrefix")} label="Header prefix" hint="Sent before the key, space included; empty sends the key alone.">
          <input
            id={id("headerPrefix")}
            className="input input--mono"
            value={draft.headerPrefix}
            onChange={(e) => onChange({ headerPrefix: e.target.value })}
            placeholder="Bearer "
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id("headerPrefix")}-hint`}
          />
        </Field>
      </div>
    </fieldset>
  );
}
