import { History, Undo2 } from "lucide-react";
import { useState } from "react";
import { errorMessage, useRollbackApiKey, type ApiKey } from "../keyhaven";
import { useKeyVersions } from "../hooks/use-key-versions";
import { formatDateTime, formatRelative } from "../lib/format-date";
import { ErrorState } from "./error-state";
import { FormError } from "./form-error";
import { LoadingState } from "./loading-state";
import { Modal } from "./modal";
import { Spinner } from "./spinner";

interface Props {
  apiKey: ApiKey;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRolledBack?: (name: string, version: number) => void;
  /** False for someone who may see a team key's history but not roll it back. */
  canRollback?: boolean;
}

/** The key's values (masked), newest first, each earlier one with a "Roll back" that asks first. */
export function KeyHistoryDialog({ apiKey, open, onOpenChange, onRolledBack, canRollback = true }: Props) {
  const versions = useKeyVersions(apiKey.id, open);
  const rollback = useRollbackApiKey();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function confirm(version: number) {
    setError(null);
    try {
      await rollback.mutateAsync({ id: apiKey.id, version });
      setConfirming(null);
      onRolledBack?.(apiKey.name, version);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  let body;
  if (versions.isLoading) body = <LoadingState label="Loading history…" />;
  else if (versions.error || !versions.data) body = <ErrorState title="Couldn't load the history" error={versions.error} onRetry={() => void versions.refetch()} />;
  else
    body = (
      <ul className="versions" data-testid="versions">
        {versions.data.map((v) => (
          <li key={v.version} className={`versions__item${v.current ? " versions__item--current" : ""}`} data-testid="version" data-version={v.version}>
            <div className="versions__main">
              <span className="versions__number">v{v.version}</span>
              <code className="masked">{v.maskedValue}</code>
              {v.current && <span className="badge badge--active">Current</span>}
            </div>
            <div className="versions__meta muted">
              <span title={formatDateTime(v.createdAt)}>{formatRelative(v.createdAt)}</span>
              {v.createdBy && <> · {v.createdBy}</>}
            </div>
            {!v.current &&
              canRollback &&
              (confirming === v.version ? (
                <div className="versions__confirm" role="group" aria-label={`Roll back to version ${v.version}`}>
                  <span>Make this the key’s value again? The current value is kept here.</span>
                  <span className="versions__confirm-actions">
                    <button type="button" className="btn btn--ghost btn--sm" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                    <button type="button" className="btn btn--primary btn--sm" onClick={() => void confirm(v.version)} disabled={rollback.isPending}>
                      {rollback.isPending ? <Spinner size={14} /> : <Undo2 size={14} aria-hidden="true" />}
                      Roll back
                    </button>
                  </span>
                </div>
              ) : (
                <button type="button" className="btn btn--ghost btn--sm versions__action" onClick={() => setConfirming(v.version)}>
                  <Undo2 size={14} aria-hidden="true" />
                  Roll back
                </button>
              ))}
          </li>
        ))}
      </ul>
    );

  return (
    <Modal
      open={open}
      onOpenChange={(next) => {
        setConfirming(null);
        setError(null);
        onOpenChange(next);
      }}
      title={`History of “${apiKey.name}”`}
      description={
        canRollback
          ? "The current value and up to 9 before it. Rolling back makes an earlier value current again, as a new version."
          : "The current value and up to 9 before it. Only the team's admins can roll back."
      }
    >
      <FormError message={error} />
      {body}
      <p className="muted versions__note">
        <History size={14} aria-hidden="true" /> Values are shown masked; every change is in the audit log.
      </p>
    </Modal>
  );
}
