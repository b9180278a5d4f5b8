import { Plug, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import type { TokenInfo } from "../../../src/shared/api-schemas.js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { AdminCreateTokenDialog } from "../components/admin-create-token-dialog";
import { AdminTokenRow } from "../components/admin-token-row";
import { EmptyState } from "../components/empty-state";
import { PageHeader } from "../components/page-header";
import { ListBody } from "../components/list-body";
import { Notice, useNotice } from "../components/notice";
import { useServiceTokens } from "../hooks/use-admin";

/** Admins only: the instance's service tokens (for applications); create one, revoke one. */
export function AdminTokensPage() {
  const { tokens, createToken, revokeToken } = useServiceTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const [notice, setNotice] = useNotice();

  const body = (
    <ListBody
      query={tokens}
      loadingLabel="Loading service tokens…"
      errorTitle="Couldn't load the service tokens"
      empty={
        <EmptyState icon={<Plug size={28} />} title="No service tokens">
          <p className="state__text">Create one for an application that fetches your users' keys from Keyhaven.</p>
        </EmptyState>
      }
    >
      {(list) => (
        <ul className="admin-list" aria-label="Service tokens">
          {list.map((token) => (
            <AdminTokenRow key={token.id} token={token} onRevoke={() => setRevoking(token)} />
          ))}
        </ul>
      )}
    </ListBody>
  );

  return (
    <>
      <PageHeader
        title="Service tokens"
        description="Tokens for applications: they hand out a user's key by user id, and can never list, read or change keys."
        actions={
          <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden="true" />
            Create token
          </button>
        }
      />
      <Notice message={notice} />
      {body}
      <AdminCreateTokenDialog open={creating} onOpenChange={setCreating} createToken={createToken.mutateAsync} />
      {revoking && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setRevoking(null)}
          title={`Revoke “${revoking.name}”?`}
          description="Applications using it are refused from now on, by every Keyhaven instance. This can't be undone."
          confirmLabel="Revoke"
          icon={<Trash2 size={16} aria-hidden="true" />}
          onConfirm={async () => {
            await revokeToken.mutateAsync(revoking.id);
            setNotice(`Revoked ${revoking.name}`);
          }}
        />
      )}
    </>
  );
}
