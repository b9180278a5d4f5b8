import { Save, Trash2 } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import type { TeamSummary } from "../../../src/shared/api-schemas.js";
import { errorMessage } from "../keyhaven";
import type { TeamOffers } from "../lib/team-offers";
import { ConfirmDialog } from "./confirm-dialog";
import { FormError } from "./form-error";
import { Panel } from "./panel";
import { Spinner } from "./spinner";
import { TextField } from "./text-field";

interface Props {
  team: TeamSummary;
  offers: Pick<TeamOffers, "rename" | "delete">;
  rename: (name: string) => Promise<unknown>;
  deleteTeam: () => Promise<unknown>;
  onRenamed: (name: string) => void;
  onDeleted: () => void;
}

/** Rename the team (owners, admins); delete it with its keys (owners). Shown only to those who may do one of them. */
export function TeamSettings({ team, offers, rename, deleteTeam, onRenamed, onDeleted }: Props) {
  const uid = useId();
  const [name, setName] = useState(team.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next = name.trim();
    if (!next) {
      setError("Enter the team's name");
      return;
    }
    if (next === team.name) return;
    setBusy(true);
    setError(null);
    try {
      await rename(next);
      onRenamed(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const keys = `${team.keyCount} key${team.keyCount === 1 ? "" : "s"}`;
  return (
    <Panel titleId={`${uid}-title`} title="Team settings">
      {offers.rename && (
        <form className="team-settings__rename" onSubmit={(e) => void submit(e)} noValidate>
          <TextField id={`${uid}-name`} label="Team name" value={name} onValueChange={setName} maxLength={100} autoComplete="off" />
          <button type="submit" className="btn btn--secondary" disabled={busy}>
            {busy ? <Spinner /> : <Save size={16} aria-hidden="true" />}
            Rename
          </button>
        </form>
      )}
      <FormError message={error} />
      {offers.delete && (
        <div className="team-settings__danger">
          <p className="muted">Deleting the team deletes its {keys} too: every member's apps stop getting them.</p>
          <button type="button" className="btn btn--danger" onClick={() => setDeleting(true)}>
            <Trash2 size={16} aria-hidden="true" />
            Delete team
          </button>
        </div>
      )}
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete ${team.name}?`}
        description={`Its ${keys} are deleted too, and every member loses the team at once: their apps stop getting its keys. This can't be undone.`}
        confirmLabel="Delete team"
        icon={<Trash2 size={16} aria-hidden="true" />}
        onConfirm={async () => {
          await deleteTeam();
          onDeleted();
        }}
      />
    </Panel>
  );
}
