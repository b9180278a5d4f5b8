import { KeyRound, Plus } from "lucide-react";
import { useMemo, useState } from "react";
import type { TeamSummary } from "../../../src/shared/api-schemas.js";
import { TEAM_ROLE_LABELS } from "../../../src/shared/team-roles.js";
import { AddTeamKeyDialog } from "../components/add-team-key-dialog";
import { EmptyState } from "../components/empty-state";
import { KeyCard, type KeyActions } from "../components/key-card";
import { KeyFileActions } from "../components/key-file-actions";
import { ListBody } from "../components/list-body";
import { Notice, useNotice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { TeamFrame } from "../components/team-frame";
import { useTeamKeys } from "../hooks/use-team-keys";
import { useDeleteApiKey, useTestApiKey, useUpdateApiKey, type UpdateKeyBody } from "../keyhaven";
import { teamOffers } from "../lib/team-offers";
import type { RoutePageProps } from "../routes";

/** `/teams/:teamId/keys`: the team's keys on the personal page's cards, offering what the viewer's role allows. */
export function TeamKeysPage({ params }: RoutePageProps) {
  return <TeamFrame teamId={params.teamId}>{(team) => <TeamKeys team={team} />}</TeamFrame>;
}

function TeamKeys({ team }: { team: TeamSummary }) {
  const keys = useTeamKeys(team.id);
  // The library's changes by id: each refetches every key list, this team's included.
  const { mutateAsync: update } = useUpdateApiKey();
  const { mutateAsync: remove } = useDeleteApiKey();
  const { mutateAsync: test } = useTestApiKey();
  const actions = useMemo<KeyActions>(
    () => ({ updateApiKey: (id: string, body: UpdateKeyBody) => update({ id, body }), deleteApiKey: remove, testApiKey: test }),
    [update, remove, test],
  );
  const offers = teamOffers(team.role);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useNotice();
  const list = keys.data ?? [];

  const canExport = offers.exportKeys && list.length > 0;
  const headerActions =
    offers.addKey || canExport || offers.importKeys ? (
      <>
        <KeyFileActions team={team} canExport={canExport} canImport={offers.importKeys} onNotice={setNotice} />
        {offers.addKey && (
          <button type="button" className="btn btn--primary" onClick={() => setAdding(true)}>
            <Plus size={16} aria-hidden="true" />
            Add team key
          </button>
        )}
      </>
    ) : undefined;

  return (
    <>
      <PageHeader
        title="Keys"
        description={`${list.length ? `${list.length} key${list.length === 1 ? "" : "s"} shared with ${team.name}.` : `Keys shared with ${team.name}.`} Your role: ${TEAM_ROLE_LABELS[team.role]}.`}
        actions={headerActions}
      />
      <Notice message={notice} />
      <ListBody
        query={keys}
        loadingLabel="Loading the team's keys…"
        errorTitle="Couldn't load the team's keys"
        empty={
          <EmptyState icon={<KeyRound size={28} />} title="No team keys yet">
            <p className="state__text">
              {offers.addKey
                ? "Add a key the whole team's apps can use: members use it without ever seeing it."
                : "When the team's owners or admins add a key, your apps can use it here."}
            </p>
          </EmptyState>
        }
      >
        {(list) => (
          <ul className="key-list" aria-label={`${team.name} keys`}>
            {list.map((key) => (
              <KeyCard key={key.id} apiKey={key} actions={actions} onNotice={setNotice} role={team.role} />
            ))}
          </ul>
        )}
      </ListBody>
      {offers.addKey && (
        <AddTeamKeyDialog teamId={team.id} teamName={team.name} open={adding} onOpenChange={setAdding} onSaved={(name) => setNotice(`Added ${name}`)} />
      )}
    </>
  );
}
