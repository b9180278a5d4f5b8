import { RefreshCw, Wand2 } from "lucide-react";
import { useEffect, useId, useState, type FormEvent } from "react";
import { errorMessage, useRotateApiKey, useUpdateApiKey, type ApiKey, type RotateKeyBody } from "../keyhaven";
import { formatDate } from "../lib/format-date";
import { AUTOMATIC_ROTATION_SERVICES, ROTATION_EVERY_DAYS_MAX, ROTATION_EVERY_DAYS_MIN } from "../lib/rotation";
import { useServiceLabel } from "../hooks/use-services";
import { FormError } from "./form-error";
import { Modal } from "./modal";
import { RotationBadge } from "./rotation-badge";
import { Spinner } from "./spinner";
import { TestResultView } from "./test-result-view";
import { TextField } from "./text-field";

interface Props {
  apiKey: ApiKey;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRotated?: (name: string) => void;
}

/**
 * The guided rotation: the period (and so the due date), then the new key — pasted, tested
 * with the provider, and only then made current (an invalid one is refused with the provider's
 * words), the old value kept in History. AWS keys can also be rotated automatically.
 */
export function RotateKeyDialog({ apiKey, open, onOpenChange, onRotated }: Props) {
  const uid = useId();
  const serviceLabel = useServiceLabel();
  const update = useUpdateApiKey();
  const rotate = useRotateApiKey();
  const isAws = apiKey.service === "aws";
  const [everyDays, setEveryDays] = useState("");
  const [periodError, setPeriodError] = useState<string | null>(null);
  const [value, setValue] = useState("");
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecretAccessKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setEveryDays(apiKey.rotation.everyDays === null ? "" : String(apiKey.rotation.everyDays));
    setPeriodError(null);
    setValue("");
    setAccessKeyId("");
    setSecretAccessKey("");
    setError(null);
    setDone(null);
    // Reset when the dialog opens, not when the key changes under it.
  }, [open]);

  async function savePeriod(e: FormEvent) {
    e.preventDefault();
    const text = everyDays.trim();
    const days = text === "" ? null : Number(text);
    if (days !== null && (!Number.isInteger(days) || days < ROTATION_EVERY_DAYS_MIN || days > ROTATION_EVERY_DAYS_MAX)) {
      setPeriodError(`A whole number of days from ${ROTATION_EVERY_DAYS_MIN} to ${ROTATION_EVERY_DAYS_MAX}, or empty for no period`);
      return;
    }
    setPeriodError(null);
    try {
      await update.mutateAsync({ id: apiKey.id, body: { rotation: { everyDays: days } } });
    } catch (err) {
      setPeriodError(errorMessage(err));
    }
  }

  async function replace(body: RotateKeyBody) {
    setError(null);
    setDone(null);
    try {
      const key = await rotate.mutateAsync({ id: apiKey.id, body });
      setValue("");
      setAccessKeyId("");
      setSecretAccessKey("");
      setDone(`Now in use (${key.maskedValue}); the previous value is kept in History.`);
      onRotated?.(key.name);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  function submitValue(e: FormEvent) {
    e.preventDefault();
    if (isAws) {
      if (!accessKeyId.trim() || !secretAccessKey.trim()) return setError("Enter the new access key ID and secret access key");
      void replace({ value: { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim() } });
    } else {
      if (!value.trim()) return setError("Paste the new key first");
      void replace({ value: value.trim() });
    }
  }

  const due = apiKey.rotation.dueAt;
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Rotate “${apiKey.name}”`} description="Replace the key with a new one; the current value is kept in History.">
      <section className="rotate-section" aria-labelledby={`${uid}-period`}>
        <h3 className="rotate-section__title" id={`${uid}-period`}>
          Rotation period
        </h3>
        <form className="rotate-period" onSubmit={savePeriod} noValidate>
          <TextField
            id={`${uid}-every`}
            label="Rotate every (days)"
            inputMode="numeric"
            placeholder="e.g. 90"
            value={everyDays}
            onValueChange={setEveryDays}
            error={periodError}
            hint={
              due ? (
                <>
                  Next rotation due {formatDate(due)} <RotationBadge apiKey={apiKey} />
                </>
              ) : (
                "Empty: no reminders."
              )
            }
          />
          <button type="submit" className="btn btn--ghost" disabled={update.isPending}>
            {update.isPending && <Spinner size={14} />}
            Save period
          </button>
        </form>
      </section>

      <section className="rotate-section" aria-labelledby={`${uid}-replace`}>
        <h3 className="rotate-section__title" id={`${uid}-replace`}>
          Rotate now
        </h3>
        <ol className="rotate-steps">
          <li>Create a new key with {serviceLabel(apiKey.service)} and paste it here.</li>
          <li>Keyhaven tests it with the provider; a key the provider rejects is refused and nothing changes.</li>
          <li>It replaces the current value at once for every app that fetches this key.</li>
        </ol>
        <form onSubmit={submitValue} noValidate>
          {isAws ? (
            <>
              <TextField id={`${uid}-akid`} label="New access key ID" className="input--mono" placeholder="AKIA…" value={accessKeyId} onValueChange={setAccessKeyId} autoComplete="off" spellCheck={false} />
              <TextField id={`${uid}-secret`} label="New secret access key" secret value={secretAccessKey} onValueChange={setSecretAccessKey} />
            </>
          ) : (
            <TextField id={`${uid}-value`} label="New key" secret value={value} onValueChange={setValue} />
          )}
          <FormError message={error} />
          {done && <TestResultView result={{ status: "valid", message: done }} />}
          <div className="form-actions">
            {AUTOMATIC_ROTATION_SERVICES.has(apiKey.service) && (
              <button type="button" className="btn btn--ghost" onClick={() => void replace({ automatic: true })} disabled={rotate.isPending} title="Create a new access key with IAM, check it with STS, switch to it and deactivate the old one">
                <Wand2 size={16} aria-hidden="true" />
                Rotate automatically
              </button>
            )}
            <span className="form-actions__spacer" />
            <button type="submit" className="btn btn--primary" disabled={rotate.isPending}>
              {rotate.isPending ? <Spinner /> : <RefreshCw size={16} aria-hidden="true" />}
              Test and replace
            </button>
          </div>
        </form>
      </section>
    </Modal>
  );
}
