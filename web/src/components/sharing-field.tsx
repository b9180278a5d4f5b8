import { SHARING_LABELS, SHARING_MODES, type Sharing } from "../../../src/shared/team-roles.js";
import { Field } from "./field";

/** What each sharing mode means for the team's members, after its label. */
const SHARING_MEANING: Readonly<Record<Sharing, string>> = {
  use: "members' apps use it, nobody but admins sees it",
  manage: "members can also test it and see its history",
};

/** A team key's "Sharing" choice; admins always reveal, edit, rotate and delete. */
export function SharingField({ id, value, onChange }: { id: string; value: Sharing; onChange: (sharing: Sharing) => void }) {
  return (
    // The choice's meaning again under it: a narrow screen cuts the option's text short.
    <Field id={id} label="Sharing" hint={`${SHARING_LABELS[value]}: ${SHARING_MEANING[value]}. Only owners and admins ever reveal or change it.`}>
      <select id={id} className="input select" value={value} onChange={(e) => onChange(e.target.value as Sharing)} aria-describedby={`${id}-hint`}>
        {SHARING_MODES.map((mode) => (
          <option key={mode} value={mode}>
            {SHARING_LABELS[mode]} — {SHARING_MEANING[mode]}
          </option>
        ))}
      </select>
    </Field>
  );
}
