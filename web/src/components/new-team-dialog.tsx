import { UsersRound } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { useCreateTeam } from "../hooks/use-teams";
import { errorMessage } from "../keyhaven";
import { teamPath } from "../lib/team-paths";
import { navigate } from "../router";
import { FormFooter } from "./form-footer";
import { Modal } from "./modal";
import { TextField } from "./text-field";

const NAME_MAX = 100;

/** A new team from its name (the slug is made from it); its creator becomes the owner and lands on its keys. */
export function NewTeamDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const uid = useId();
  const create = useCreateTeam();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);

  function change(next: boolean) {
    if (!next) {
      setName("");
      setNameError(null);
      create.reset();
    }
    onOpenChange(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Enter the team's name");
      document.getElementById(`${uid}-name`)?.focus();
      return;
    }
    create.mutate(name, {
      onSuccess: (team) => {
        change(false);
        navigate(teamPath(team.id));
      },
    });
  }

  return (
    <Modal open={open} onOpenChange={change} title="New team" description="Share keys with the people you work with. You become its owner.">
      <form className="key-form" onSubmit={submit} noValidate aria-busy={create.isPending}>
        <TextField
          id={`${uid}-name`}
          label="Team name"
          value={name}
          error={nameError}
          onValueChange={(value) => {
            setName(value);
            setNameError(null);
          }}
          placeholder="e.g. Platform"
          maxLength={NAME_MAX}
          autoComplete="off"
          autoFocus
        />
        <FormFooter error={create.error ? errorMessage(create.error) : null} busy={create.isPending} onCancel={() => change(false)} icon={UsersRound} label="Create team" />
      </form>
    </Modal>
  );
}
