import { Plug, Plus, Trash2 } from "lucide-react";
import { useEffect, useState } from "react";
import type { TokenInfo } from "../../../src/shared/api-schemas.js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { AdminCreateTokenDialog } from "../components/admin-create-token-dialog";
import { AdminTokenRow } from "../components/admin-token-row";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { useServiceTokens } from "../hooks/use-admin";

/** Admins only: the instance's service tokens (for applications); create one, revoke one. */
export function AdminTokensPage() {
  const { tokens, createToken, revokeToken } = useServiceTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 4000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  const list = tokens.data ?? [];
  let body;
  if (tokens.isLoading) body = <LoadingState label="Loading service tokens…" />;
  else if (tokens.error) body = <ErrorState title="Couldn't load the service tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />;
  else if (list.length === 0)
    body = (
      <EmptyState icon={<Plug size={28} />} title="No service tokens">
        <p className="state__text">Create one for an application that fetches your users' keys from Keyhaven.</p>
      </EmptyState>
    );
  else
    body = (
      <ul className="admin-list" aria-label="Service tokens">
        {list.map((token) => (
          <AdminTokenRow key={token.id} token={token} onRevoke={() => setRevoking(token)} />
        ))}
      </ul>
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
      <p className="notice" role="status" aria-live="polite" data-testid="notice">
        {notice}
      </p>
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
