import { Eye, FlaskConical, Gauge, History, Pencil, RefreshCw, Star, Trash2 } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage, useKeyhavenClient, type ApiKey, type ApiKeyWithValue, type TestResult, type UseApiKeysResult } from "../keyhaven";
import { keyStatus } from "../lib/key-status";
import { keyAccessNote, keyOffers } from "../lib/team-offers";
import type { TeamRole } from "../../../src/shared/team-roles.js";
import { useServiceLabel } from "../hooks/use-services";
import { ActiveSwitch } from "./active-switch";
import { DeleteKeyDialog } from "./delete-key-dialog";
import { EditKeyDialog } from "./edit-key-dialog";
import { KeyHistoryDialog } from "./key-history-dialog";
import { KeyMeta } from "./key-meta";
import { LimitsDialog } from "./limits-dialog";
import { SERVICES_WITHOUT_GATEWAY } from "../../../src/shared/limits.js";
import { RevealedValue } from "./revealed-value";
import { RotateKeyDialog } from "./rotate-key-dialog";
import { RotationBadge } from "./rotation-badge";
import { ServiceIcon } from "./service-icon";
import { Spinner } from "./spinner";
import { StatusBadge } from "./status-badge";
import { TeamKeyBadge } from "./team-key-badge";
import { TestResultView } from "./test-result-view";

type Outcome = Pick<TestResult, "status" | "message"> & { latencyMs?: number };

/** What a card does to its key: the page's useApiKeys() actions (a card never subscribes to the list itself). */
export type KeyActions = Pick<UseApiKeysResult, "updateApiKey" | "testApiKey" | "deleteApiKey">;

interface KeyCardProps {
  apiKey: ApiKey;
  actions: KeyActions;
  onNotice: (message: string) => void;
  /** The viewer's role in the key's team; absent for a personal key. What the card offers follows from it. */
  role?: TeamRole;
}

/** One saved key: what it is, how it is doing, and everything you may do with it. */
export function KeyCard({ apiKey, actions, onNotice, role }: KeyCardProps) {
  const { updateApiKey, testApiKey } = actions;
  const client = useKeyhavenClient();
  const serviceLabel = useServiceLabel();
  const [testing, setTesting] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [toggling, setToggling] = useState(false);
  const [revealing, setRevealing] = useState(false);
  const [revealed, setRevealed] = useState<ApiKeyWithValue["value"] | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [history, setHistory] = useState(false);
  const [limiting, setLimiting] = useState(false);
  const nameId = `key-${apiKey.id}-name`;
  const status = keyStatus(apiKey);
  const offers = keyOffers(role ?? null, apiKey.sharing);
  const accessNote = keyAccessNote(offers, apiKey.sharing);
  // A use-only member may do nothing here: no empty row under the note.
  const anyAction = offers.edit || offers.test || offers.reveal || offers.rotate || offers.history || offers.delete;
  const revealButton = useRef<HTMLButtonElement>(null);
  const refocusReveal = useRef(false);
  const hide = useCallback((reason: "button" | "timeout") => {
    refocusReveal.current = reason === "button";
    setRevealed(null);
  }, []);
  useEffect(() => {
    if (revealed === null && refocusReveal.current) {
      refocusReveal.current = false;
      revealButton.current?.focus();
    }
  }, [revealed]);

  async function runTest() {
    setTesting(true);
    setOutcome(null);
    try {
      setOutcome(await testApiKey(apiKey.id));
    } catch (err) {
      setOutcome({ status: "error", message: errorMessage(err) });
    } finally {
      setTesting(false);
    }
  }

  async function toggle(isActive: boolean) {
    setToggling(true);
    setActionError(null);
    try {
      await updateApiKey(apiKey.id, { isActive });
      onNotice(`${apiKey.name} is now ${isActive ? "active" : "inactive"}`);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setToggling(false);
    }
  }

  async function reveal() {
    setRevealing(true);
    setActionError(null);
    try {
      const withValue = await client.revealApiKey(apiKey.id);
      setRevealed(withValue.value);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setRevealing(false);
    }
  }

  return (
    <li className="key-card-item">
      <article className={`key-card key-card--${status}`} aria-labelledby={nameId} data-testid="key-card" data-key-id={apiKey.id}>
        <div className="key-card__identity">
          <ServiceIcon service={apiKey.service} />
          <div className="key-card__titles">
            <h3 className="key-card__name" id={nameId}>
              {apiKey.name}
              {apiKey.isDefault && (
                <span className="key-card__default" title="Default key for this service">
                  <Star size={12} aria-hidden="true" /> Default
                </span>
              )}
            </h3>
            <p className="key-card__service">
              {serviceLabel(apiKey.service)}
              <span className="sep" aria-hidden="true">·</span>
              <code className="masked" data-testid="masked-value">{apiKey.maskedValue}</code>
            </p>
            {apiKey.description && <p className="key-card__description">{apiKey.description}</p>}
          </div>
          <div className="key-card__badges">
            <StatusBadge status={status} />
            {apiKey.teamId && <TeamKeyBadge sharing={apiKey.sharing} />}
            <RotationBadge apiKey={apiKey} />
          </div>
        </div>

        <KeyMeta apiKey={apiKey} />

        {accessNote && (
          <p className="key-card__access" data-testid="key-access-note">
            {accessNote}
          </p>
        )}

        {anyAction && (
          <div className="key-card__actions">
            {offers.edit && <ActiveSwitch checked={apiKey.isActive} disabled={toggling} onChange={toggle} />}
            <span className="key-card__spacer" />
            {offers.test && (
              <button type="button" className="btn btn--ghost btn--sm" onClick={runTest} disabled={testing}>
                {testing ? <Spinner size={14} /> : <FlaskConical size={14} aria-hidden="true" />}
                Test
              </button>
            )}
            {offers.reveal && !revealed && (
              <button ref={revealButton} type="button" className="btn btn--ghost btn--sm" onClick={reveal} disabled={revealing}>
                {revealing ? <Spinner size={14} /> : <Eye size={14} aria-hidden="true" />}
                Reveal
              </button>
            )}
            {offers.rotate && (
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setRotating(true)}>
                <RefreshCw size={14} aria-hidden="true" />
                Rotate
              </button>
            )}
            {offers.history && (
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setHistory(true)}>
                <History size={14} aria-hidden="true" />
                History
              </button>
            )}
            {offers.edit && !SERVICES_WITHOUT_GATEWAY.includes(apiKey.service) && (
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setLimiting(true)}>
                <Gauge size={14} aria-hidden="true" />
                Limits
              </button>
            )}
            {offers.edit && (
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setEditing(true)}>
                <Pencil size={14} aria-hidden="true" />
                Edit
              </button>
            )}
            {offers.delete && (
              <button type="button" className="btn btn--ghost btn--sm btn--danger-text" onClick={() => setDeleting(true)}>
                <Trash2 size={14} aria-hidden="true" />
                Delete
              </button>
            )}
          </div>
        )}

        {actionError && (
          <p className="key-card__error" role="alert">
            {actionError}
          </p>
        )}
        {outcome && <TestResultView result={outcome} />}
        {revealed !== null && <RevealedValue value={revealed} onHide={hide} />}
      </article>

      <EditKeyDialog apiKey={apiKey} updateApiKey={actions.updateApiKey} testApiKey={actions.testApiKey} open={editing} onOpenChange={setEditing} onSaved={(name) => { setOutcome(null); onNotice(`Saved ${name}`); }} />
      {offers.edit && (
        <LimitsDialog
          subject={{ kind: "key", id: apiKey.id }}
          name={apiKey.name}
          open={limiting}
          onOpenChange={setLimiting}
          save={(limits) => updateApiKey(apiKey.id, { limits })}
          onSaved={onNotice}
        />
      )}
      <RotateKeyDialog apiKey={apiKey} open={rotating} onOpenChange={setRotating} onRotated={(name) => { setOutcome(null); onNotice(`Rotated ${name}`); }} />
      <KeyHistoryDialog apiKey={apiKey} canRollback={offers.rollback} open={history} onOpenChange={setHistory} onRolledBack={(name, version) => onNotice(`Rolled ${name} back to version ${version}`)} />
      <DeleteKeyDialog apiKey={apiKey} deleteApiKey={actions.deleteApiKey} open={deleting} onOpenChange={setDeleting} onDeleted={(name) => onNotice(`Deleted ${name}`)} />
    </li>
  );
}
