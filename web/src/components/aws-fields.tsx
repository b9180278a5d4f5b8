import type { ReactNode } from "react";
import type { DraftErrors, KeyDraftState } from "../lib/key-draft";
import { describedBy, Field } from "./field";
import { SecretInput } from "./secret-input";

const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "ca-central-1", "sa-east-1"];

interface Props {
  uid: string;
  draft: KeyDraftState;
  errors: DraftErrors;
  feedbackId: string;
  editing: boolean;
  /** The format feedback, shown right under the credential fields. */
  feedback: ReactNode;
  onChange: (patch: Partial<KeyDraftState>) => void;
}

/** AWS credentials: access key id, secret, optional session token, region. */
export function AwsFields({ uid, draft, errors, feedbackId, editing, feedback, onChange }: Props) {
  const id = (name: keyof KeyDraftState) => `${uid}-${name}`;
  const describe = (name: keyof KeyDraftState) =>
    [feedbackId, describedBy(id(name), { error: Boolean(errors[name]) })].filter(Boolean).join(" ");
  return (
    <fieldset className="fieldset">
      <legend className="fieldset__legend">AWS credentials{editing && <span className="field__optional"> (leave empty to keep the saved ones)</span>}</legend>
      <Field id={id("accessKeyId")} label="Access key ID" error={errors.accessKeyId}>
        <input
          id={id("accessKeyId")}
          className="input input--mono"
          value={draft.accessKeyId}
          onChange={(e) => onChange({ accessKeyId: e.target.value })}
          placeholder="AKIA…"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={Boolean(errors.accessKeyId)}
          aria-describedby={describe("accessKeyId")}
        />
      </Field>
      <Field id={id("secretAccessKey")} label="Secret access key" error={errors.secretAccessKey}>
        <SecretInput
          id={id("secretAccessKey")}
          value={draft.secretAccessKey}
          onChange={(e) => onChange({ secretAccessKey: e.target.value })}
          aria-invalid={Boolean(errors.secretAccessKey)}
          aria-describedby={describe("secretAccessKey")}
        />
      </Field>
      <Field id={id("sessionToken")} label="Session token" optional hint="Needed for temporary (ASIA…) credentials.">
        <SecretInput
          id={id("sessionToken")}
          value={draft.sessionToken}
          onChange={(e) => onChange({ sessionToken: e.target.value })}
          aria-describedby={`${id("sessionToken")}-hint`}
        />
      </Field>
      {feedback}
      <Field id={id("region")} label="Region">
        <input
          id={id("region")}
          className="input"
          list={`${uid}-regions`}
          value={draft.region}
          onChange={(e) => onChange({ region: e.target.value })}
          placeholder="us-east-1"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id={`${uid}-regions`}>
          {REGIONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </Field>
    </fieldset>
  );
}
