import { Gauge, Trash2 } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../keyhaven";
import { BUDGET_PERIODS, buildLimits, limitsDraftFrom, limitsErrorsFrom, PERIOD_LABELS, type LimitsDraft, type LimitsDraftErrors, type LimitsField } from "../lib/limits-draft";
import { hasLimits, type BudgetPeriod, type Limits } from "../../../src/shared/limits.js";
import { describedBy, Field } from "./field";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";
import { TextField } from "./text-field";

interface Props {
  /** What is set now; null or empty: none. */
  initial: Limits | null;
  /** Saves them (null: removes them all); a throw stays in the form. */
  onSubmit: (limits: Limits | null) => Promise<void>;
  onCancel: () => void;
}

const ORDER: LimitsField[] = ["budgetUsd", "period", "requestsPerMinute", "tokensPerMinute"];

/**
 * A budget in USD per day, week or month, requests per minute and tokens per minute, each
 * optional: the one form for a key's, an access token's and a team member's gateway limits.
 */
export function LimitsForm({ initial, onSubmit, onCancel }: Props) {
  const uid = useId();
  const ids: Record<LimitsField, string> = { budgetUsd: `${uid}-usd`, period: `${uid}-period`, requestsPerMinute: `${uid}-rpm`, tokensPerMinute: `${uid}-tpm` };
  const [draft, setDraft] = useState<LimitsDraft>(() => limitsDraftFrom(initial));
  const [errors, setErrors] = useState<LimitsDraftErrors>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "remove" | null>(null);
  const hadLimits = hasLimits(initial);

  function update(patch: Partial<LimitsDraft>) {
    setDraft((d) => ({ ...d, ...patch }));
    setSubmitError(null);
    setErrors((e) => {
      const rest = { ...e };
      for (const k of Object.keys(patch) as LimitsField[]) delete rest[k];
      return rest;
    });
  }

  function focusFirst(found: LimitsDraftErrors) {
    const first = ORDER.find((f) => found[f]);
    if (first) document.getElementById(ids[first])?.focus();
  }

  async function send(limits: Limits | null, which: "save" | "remove") {
    setBusy(which);
    setSubmitError(null);
    try {
      await onSubmit(limits);
    } catch (err) {
      const fields = limitsErrorsFrom(err);
      setErrors(fields);
      setSubmitError(errorMessage(err));
      focusFirst(fields);
    } finally {
      setBusy(null);
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const built = buildLimits(draft);
    if ("errors" in built) {
      setErrors(built.errors);
      focusFirst(built.errors);
      return;
    }
    setErrors({});
    void send(built.limits, "save");
  }

  return (
    <form className="limits-form" onSubmit={handleSubmit} noValidate aria-busy={busy !== null}>
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Budget</legend>
        <div className="field-row limits-form__budget">
          <TextField
            id={ids.budgetUsd}
            label="Amount (USD)"
            optional
            error={errors.budgetUsd}
            value={draft.budgetUsd}
            onValueChange={(budgetUsd) => update({ budgetUsd })}
            inputMode="decimal"
            placeholder="e.g. 25"
            autoComplete="off"
            autoFocus
          />
          <Field id={ids.period} label="Resets" error={errors.period}>
            <select
              id={ids.period}
              className="input select"
              value={draft.period}
              onChange={(e) => update({ period: e.target.value as BudgetPeriod })}
              aria-describedby={describedBy(ids.period, { error: Boolean(errors.period) })}
            >
              {BUDGET_PERIODS.map((p) => (
                <option key={p} value={p}>
                  {PERIOD_LABELS[p]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <p className="field__hint limits-form__note">Requests that would go over it are refused until the period resets (UTC).</p>
      </fieldset>
      <div className="field-row">
        <TextField
          id={ids.requestsPerMinute}
          label="Requests per minute"
          optional
          error={errors.requestsPerMinute}
          value={draft.requestsPerMinute}
          onValueChange={(requestsPerMinute) => update({ requestsPerMinute })}
          inputMode="numeric"
          placeholder="No limit"
          autoComplete="off"
        />
        <TextField
          id={ids.tokensPerMinute}
          label="Tokens per minute"
          optional
          error={errors.tokensPerMinute}
          value={draft.tokensPerMinute}
          onValueChange={(tokensPerMinute) => update({ tokensPerMinute })}
          inputMode="numeric"
          placeholder="No limit"
          autoComplete="off"
        />
      </div>
      <p className="field__hint">Leave a field empty for no limit.</p>

      <FormError message={submitError} />

      <div className="form-actions">
        {hadLimits && (
          <button type="button" className="btn btn--ghost btn--danger-text limits-form__remove" onClick={() => void send(null, "remove")} disabled={busy !== null}>
            {busy === "remove" ? <Spinner size={14} /> : <Trash2 size={16} aria-hidden="true" />}
            Remove limits
          </button>
        )}
        <span className="form-actions__spacer" />
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy !== null}>
          {busy === "save" ? <Spinner /> : <Gauge size={16} aria-hidden="true" />}
          Save limits
        </button>
      </div>
    </form>
  );
}
