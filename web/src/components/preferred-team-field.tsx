import { useState } from "react";
import type { TeamList } from "../../../src/shared/api-schemas.js";
import { useSetPreferredTeam } from "../hooks/use-teams";
import { errorMessage } from "../keyhaven";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";

const NONE = "";

/** "Preferred team for hand-outs": a radio per team, and None (the oldest membership); saved on choosing. */
export function PreferredTeamField({ list, onSaved }: { list: TeamList; onSaved: (name: string | null) => void }) {
  const setPreferred = useSetPreferredTeam();
  // The choice being saved shows from the click on (the mutation's pending state arrives a tick
  // later, and a controlled radio would jump back meanwhile) until the refetched list confirms it.
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = picked ?? list.preferredTeamId ?? NONE;
  const options = [{ id: NONE, name: "None — the team you joined first" }, ...list.teams.map((t) => ({ id: t.id, name: t.name }))];

  return (
    <fieldset className="preferred-team" aria-describedby="preferred-team-hint" disabled={setPreferred.isPending}>
      <legend className="preferred-team__legend">
        Preferred team for hand-outs {setPreferred.isPending && <Spinner size={14} />}
      </legend>
      <p className="muted preferred-team__hint" id="preferred-team-hint">
        When more than one of your teams has a key for a service, your apps get this team's first.
      </p>
      {options.map((o) => (
        <label key={o.id || "none"} className="preferred-team__option">
          <input
            type="radio"
            name="preferred-team"
            value={o.id}
            checked={chosen === o.id}
            onChange={() => {
              const teamId = o.id || null;
              setPicked(o.id);
              setPreferred.mutate(teamId, { onSuccess: () => onSaved(teamId ? o.name : null), onSettled: () => setPicked(null) });
            }}
          />
          <span>{o.name}</span>
        </label>
      ))}
      <FormError message={setPreferred.error ? errorMessage(setPreferred.error) : null} />
    </fieldset>
  );
}
