import type { ReactNode } from "react";
import type { DraftErrors, KeyDraftState } from "../lib/key-draft";
import { draftFieldBinder, VERBATIM } from "./draft-fields";
import { TextField } from "./text-field";

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
  const field = draftFieldBinder(uid, draft, errors, onChange);
  return (
    <fieldset className="fieldset">
      <legend className="fieldset__legend">AWS credentials{editing && <span className="field__optional"> (leave empty to keep the saved ones)</span>}</legend>
      <TextField {...field("accessKeyId")} {...VERBATIM} label="Access key ID" className="input--mono" placeholder="AKIA…" aria-describedby={feedbackId} />
      <TextField {...field("secretAccessKey")} label="Secret access key" secret aria-describedby={feedbackId} />
      <TextField {...field("sessionToken")} label="Session token" optional hint="Needed for temporary (ASIA…) credentials." secret />
      {feedback}
      <TextField {...field("region")} {...VERBATIM} label="Region" list={`${uid}-regions`} placeholder="us-east-1">
        <datalist id={`${uid}-regions`}>
          {REGIONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </TextField>
    </fieldset>
  );
}
