import { KeyRound, Plus } from "lucide-react";
import { useMemo, useState } from "react";
import { AddKeyDialog } from "../components/add-key-dialog";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { KeyCard } from "../components/key-card";
import { KeyFileActions } from "../components/key-file-actions";
import { LoadingState } from "../components/loading-state";
import { Notice, useNotice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { RotationDueKeys } from "../components/rotation-due-keys";
import { useServices } from "../hooks/use-services";
import { useApiKeys } from "../keyhaven";
import { joinOr } from "../lib/services";
import { keysDueForRotation } from "../lib/rotation";

export function KeysPage() {
  // The page's one subscription to the list: cards get its actions, so mounting them
  // does not refetch the list once more (staleTime 0 refetches on every new subscriber).
  const { apiKeys, isLoading, error, refreshApiKeys, updateApiKey, testApiKey, deleteApiKey } = useApiKeys();
  const actions = useMemo(() => ({ updateApiKey, testApiKey, deleteApiKey }), [updateApiKey, testApiKey, deleteApiKey]);
  const services = useServices();
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useNotice();

  const headerActions = (
    <>
      <KeyFileActions canExport={apiKeys.length > 0} canImport onNotice={setNotice} />
      <button type="button" className="btn btn--primary" onClick={() => setAdding(true)}>
        <Plus size={16} aria-hidden="true" />
        Add API Key
      </button>
    </>
  );

  let body;
  if (isLoading) body = <LoadingState label="Loading your keys…" />;
  else if (error && apiKeys.length === 0) body = <ErrorState title="Couldn't load your keys" error={error} onRetry={() => void refreshApiKeys()} />;
  else if (apiKeys.length === 0)
    body = (
      <EmptyState icon={<KeyRound size={28} />} title="No API keys yet">
        <p className="state__text">
          {services.data
            ? `Add a key for ${joinOr([...services.data.filter((s) => s.id !== "custom").map((s) => s.label), "your own endpoint"])}.`
            : "Add a key for an AI service or your own endpoint."}{" "}
          Your apps fetch it at call time.
        </p>
      </EmptyState>
    );
  else
    body = (
      <>
        {/* Only when something is due: a reminder, not a permanent panel. */}
        {keysDueForRotation(apiKeys).length > 0 && (
          <div className="keys-reminders">
            <RotationDueKeys apiKeys={apiKeys} linkToKeys={false} />
          </div>
        )}
        <ul className="key-list">
          {apiKeys.map((key) => (
            <KeyCard key={key.id} apiKey={key} actions={actions} onNotice={setNotice} />
          ))}
        </ul>
      </>
    );

  return (
    <>
      <PageHeader
        title="API Keys"
        description={apiKeys.length ? `${apiKeys.length} key${apiKeys.length === 1 ? "" : "s"}, encrypted at rest.` : "Keys for the AI services your apps call."}
        actions={headerActions}
      />
      <Notice message={notice} />
      {body}
      <AddKeyDialog open={adding} onOpenChange={setAdding} onSaved={(name) => setNotice(`Added ${name}`)} />
    </>
  );
}
