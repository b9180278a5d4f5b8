import { FlaskConical, Save } from "lucide-react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { errorMessage, type ApiKey, type ServiceId, type ServiceInfo, type TestKeyBody, type TestResult } from "../keyhaven";
import { KEY_DESCRIPTION_MAX, KEY_NAME_MAX } from "../../../src/shared/key-fields";
import { todayDateInput } from "../lib/format-date";
import {
  buildTestBody,
  draftFromKey,
  emptyDraft,
  formatFeedbackFor,
  validateDraft,
  type DraftErrors,
  type KeyDraftState,
} from "../lib/key-draft";
import { AwsFields } from "./aws-fields";
import { CustomFields } from "./custom-fields";
import { describedBy, Field } from "./field";
import { FormFooter } from "./form-footer";
import { FormatFeedback } from "./format-feedback";
import { Spinner } from "./spinner";
import { TestResultView } from "./test-result-view";
import { TextField } from "./text-field";

export interface KeyFormProps {
  mode: "create" | "edit";
  /** The server's catalog (GET /api/services), loaded. */
  services: ServiceInfo[];
  /** The saved key, in edit mode. */
  initial?: ApiKey;
  onSubmit: (draft: KeyDraftState) => Promise<void>;
  onTest: (body: TestKeyBody) => Promise<TestResult>;
  onCancel: () => void;
  /** More fields, after the standard ones (e.g. a team key's sharing); their state is the caller's. */
  extraFields?: ReactNode;
}

type TestOutcome = Pick<TestResult, "status" | "message"> & { latencyMs?: number };

/** Add or edit one key: fields per service, live format feedback, "Test" before "Save". */
export function KeyForm({ mode, services, initial, onSubmit, onTest, onCancel, extraFields }: KeyFormProps) {
  const uid = useId();
  const ids = {
    name: `${uid}-name`,
    service: `${uid}-service`,
    value: `${uid}-value`,
    description: `${uid}-description`,
    expiration: `${uid}-expiration`,
    feedback: `${uid}-feedback`,
  };
  const [draft, setDraft] = useState<KeyDraftState>(() => (initial ? draftFromKey(initial) : emptyDraft()));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [testOutcome, setTestOutcome] = useState<TestOutcome | null>(null);

  const service = services.find((s) => s.id === draft.service) ?? services[0];
  const feedback = formatFeedbackFor(draft, services);

  function update(patch: Partial<KeyDraftState>) {
    setDraft((d) => ({ ...d, ...patch }));
    setTestOutcome(null);
    setSubmitError(null);
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch) as (keyof KeyDraftState)[]) delete next[k];
      return next;
    });
  }

  async function handleTest() {
    const body = buildTestBody(draft, initial);
    if (!body) {
      setTestOutcome({ status: "error", message: "Enter a key first, then test it" });
      return;
    }
    setTesting(true);
    setTestOutcome(null);
    try {
      setTestOutcome(await onTest(body));
    } catch (err) {
      setTestOutcome({ status: "error", message: errorMessage(err) });
    } finally {
      setTesting(false);
    }
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const found = validateDraft(draft, mode, initial);
    setErrors(found);
    if (Object.keys(found).length) {
      const first = Object.keys(found)[0] as keyof KeyDraftState;
      document.getElementById(`${uid}-${first}`)?.focus();
      return;
    }
    setSaving(true);
    setSubmitError(null);
    try {
      await onSubmit(draft);
    } catch (err) {
      setSubmitError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const feedbackView = service && <FormatFeedback id={ids.feedback} service={service} feedback={feedback} />;
  const valueHint = mode === "edit" && initial ? `Current key: ${initial.maskedValue}. Leave empty to keep it.` : undefined;

  return (
    <form className="key-form" onSubmit={handleSubmit} noValidate aria-busy={saving}>
      <TextField
        id={ids.name}
        label="Name"
        error={errors.name}
        value={draft.name}
        onValueChange={(name) => update({ name })}
        placeholder="e.g. Production OpenAI"
        maxLength={KEY_NAME_MAX}
        autoComplete="off"
      />

      <Field id={ids.service} label="Service" hint={mode === "edit" ? "A key's service can't change; add a new key instead." : undefined}>
        <select
          id={ids.service}
          className="input select"
          value={draft.service}
          disabled={mode === "edit"}
          onChange={(e) => update({ service: e.target.value as ServiceId })}
          aria-describedby={describedBy(ids.service, { hint: mode === "edit" })}
        >
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </Field>

      {draft.service === "aws" ? (
        <AwsFields uid={uid} draft={draft} errors={errors} feedbackId={ids.feedback} editing={mode === "edit"} feedback={feedbackView} onChange={update} />
      ) : (
        <TextField
          id={ids.value}
          label="API Key"
          error={errors.value}
          optional={mode === "edit"}
          note={valueHint}
          secret
          value={draft.value}
          onValueChange={(value) => update({ value })}
          placeholder={mode === "edit" ? "Enter a new key to replace it" : "Paste the key"}
          aria-invalid={feedback.state === "error"}
          aria-describedby={ids.feedback}
        />
      )}
      {draft.service !== "aws" && feedbackView}

      {draft.service === "custom" && <CustomFields uid={uid} draft={draft} errors={errors} onChange={update} />}

      <Field id={ids.description} label="Description" optional>
        <textarea
          id={ids.description}
          className="input textarea"
          rows={2}
          maxLength={KEY_DESCRIPTION_MAX}
          value={draft.description}
          onChange={(e) => update({ description: e.target.value })}
          placeholder="What uses this key?"
        />
      </Field>

      <TextField
        id={ids.expiration}
        label="Expiration"
        optional
        hint="The key stops being handed out after this day. Leave empty for no expiry."
        error={errors.expiration}
        type="date"
        className="input--date"
        value={draft.expiration}
        min={mode === "create" ? todayDateInput() : undefined}
        onValueChange={(expiration) => update({ expiration })}
      />

      {extraFields}

      {testOutcome && <TestResultView result={testOutcome} />}
      <FormFooter error={submitError} busy={saving} onCancel={onCancel} icon={Save} label="Save">
        <button type="button" className="btn btn--secondary" onClick={handleTest} disabled={testing || saving}>
          {testing ? <Spinner /> : <FlaskConical size={16} aria-hidden="true" />}
          Test
        </button>
      </FormFooter>
    </form>
  );
}
