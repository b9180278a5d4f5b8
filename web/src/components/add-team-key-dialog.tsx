import { useId, useState } from "react";
import type { Sharing } from "../../../src/shared/team-roles.js";
import { useCreateTeamKey, useTestTeamKeyValue } from "../hooks/use-team-keys";
import { buildCreateBody } from "../lib/key-draft";
import { KeyFormDialog } from "./key-form-dialog";
import { SharingField } from "./sharing-field";

interface Props {
  teamId: string;
  teamName: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSaved?: (name: string) => void;
}

/** The add-key dialog for a team's key: the same form, plus how it is shared (use only by default). */
export function AddTeamKeyDialog({ teamId, teamName, open, onOpenChange, onSaved }: Props) {
  const sharingId = useId();
  const [sharing, setSharing] = useState<Sharing>("use");
  const { mutateAsync: createKey } = useCreateTeamKey(teamId);
  const { mutateAsync: testValue } = useTestTeamKeyValue(teamId);
  return (
    <KeyFormDialog
      title="Add a team key"
      description={`Stored encrypted for ${teamName}; its members' apps can use it.`}
      mode="create"
      open={open}
      onOpenChange={(next) => {
        if (!next) setSharing("use"); // the next key starts from the safe default again
        onOpenChange(next);
      }}
      onTest={testValue}
      save={async (draft) => (await createKey({ ...buildCreateBody(draft), sharing })).name}
      onSaved={onSaved}
      extraFields={<SharingField id={sharingId} value={sharing} onChange={setSharing} />}
    />
  );
}
