import { Eye, Upload } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { ImportReport } from "../../../src/shared/api-schemas.js";
import { errorMessage } from "../keyhaven";
import { useImportKeys, type ImportRequest } from "../hooks/use-key-files";
import type { KeysOwner } from "./export-keys-dialog";
import { FileField } from "./file-field";
import { FormError } from "./form-error";
import { FormFooter } from "./form-footer";
import { ImportReportView } from "./import-report-view";
import { Modal } from "./modal";
import { PassphraseField } from "./passphrase-field";
import { Spinner } from "./spinner";

interface Props extends KeysOwner {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Gets how many keys were added. */
  onImported: (created: number) => void;
}

/**
 * A keys file back into one's keys (or a team's) in three steps: the file and its passphrase,
 * a preview of what would happen (the server's dry run), then the import and what it did.
 */
export function ImportKeysDialog({ open, onOpenChange, onImported, team }: Props) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={team ? `Import keys into ${team.name}` : "Import keys"}
      description="Adds the keys of a file exported from Keyhaven. Keys whose name you already use are skipped, never overwritten."
    >
      {open && <ImportSteps team={team} onClose={() => onOpenChange(false)} onImported={onImported} />}
    </Modal>
  );
}

type Step = { at: "choose" } | { at: "preview"; request: ImportRequest; report: ImportReport } | { at: "done"; report: ImportReport };

function ImportSteps({ team, onClose, onImported }: KeysOwner & { onClose: () => void; onImported: (created: number) => void }) {
  const { preview, importKeys } = useImportKeys(team?.id);
  const [step, setStep] = useState<Step>({ at: "choose" });
  const [error, setError] = useState<string | null>(null);

  if (step.at === "choose")
    return (
      <ChooseFile
        busy={preview.isPending}
        error={error}
        onCancel={onClose}
        onSubmit={async (request) => {
          setError(null);
          try {
            setStep({ at: "preview", request, report: await preview.mutateAsync(request) });
          } catch (err) {
            setError(errorMessage(err));
          }
        }}
      />
    );

  if (step.at === "preview") {
    const count = step.report.created.length;
    return (
      <StepReport title="Preview: nothing is imported yet" report={step.report} mode="preview" error={error}>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            setError(null);
            setStep({ at: "choose" });
          }}
        >
          Back
        </button>
        {count > 0 && (
          <button
            type="button"
            className="btn btn--primary"
            disabled={importKeys.isPending}
            onClick={async () => {
              setError(null);
              try {
                const report = await importKeys.mutateAsync(step.request);
                setStep({ at: "done", report });
                onImported(report.created.length);
              } catch (err) {
                setError(errorMessage(err));
              }
            }}
          >
            {importKeys.isPending ? <Spinner /> : <Upload size={16} aria-hidden="true" />}
            Import {count} key{count === 1 ? "" : "s"}
          </button>
        )}
      </StepReport>
    );
  }

  return (
    <StepReport title="Import finished" report={step.report} mode="result" error={null}>
      <button type="button" className="btn btn--primary" onClick={onClose}>
        Done
      </button>
    </StepReport>
  );
}

interface ChooseProps {
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onSubmit: (request: ImportRequest) => Promise<void>;
}

type Choice = { file: File | null; passphrase: string };

/** The file and its passphrase; a wrong passphrase or a damaged file comes back as `error`. */
function ChooseFile({ busy, error, onCancel, onSubmit }: ChooseProps) {
  const uid = useId();
  const ids = { file: `${uid}-file`, passphrase: `${uid}-passphrase` };
  const [choice, setChoice] = useState<Choice>({ file: null, passphrase: "" });
  const [missing, setMissing] = useState<{ file?: string; passphrase?: string }>({});
  // Editing a field clears what was said of it.
  const edit =
    <F extends keyof Choice>(field: F) =>
    (value: Choice[F]) => {
      setChoice((c) => ({ ...c, [field]: value }));
      setMissing(({ [field]: _, ...rest }) => rest);
    };

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const { file, passphrase } = choice;
    const found = { ...(file ? {} : { file: "Pick the file you exported" }), ...(passphrase ? {} : { passphrase: "Type the passphrase the file was exported with" }) };
    setMissing(found);
    if (found.file || found.passphrase) {
      document.getElementById(found.file ? ids.file : ids.passphrase)?.focus();
      return;
    }
    await onSubmit({ file: file!, passphrase });
  }

  return (
    <form className="key-form" onSubmit={handleSubmit} noValidate aria-busy={busy}>
      <FileField
        id={ids.file}
        label="Keys file"
        hint="A .khbk file from Export my keys, on this or another Keyhaven."
        accept=".khbk,application/octet-stream"
        error={missing.file}
        onFile={edit("file")}
      />
      <PassphraseField
        id={ids.passphrase}
        autoComplete="off"
        hint="The one chosen when the file was exported."
        error={missing.passphrase}
        value={choice.passphrase}
        onValueChange={edit("passphrase")}
      />
      <FormFooter error={error} busy={busy} onCancel={onCancel} icon={Eye} label="Preview import" />
    </form>
  );
}

interface StepReportProps {
  title: string;
  report: ImportReport;
  mode: "preview" | "result";
  error: string | null;
  /** The step's buttons. */
  children: ReactNode;
}

/** A report with its heading, which takes the focus so a screen reader reads the step's outcome. */
function StepReport({ title, report, mode, error, children }: StepReportProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [mode]);
  const empty = report.created.length + report.skipped.length + report.refused.length === 0;
  return (
    <div className="key-form">
      <h3 className="import-report__heading" ref={heading} tabIndex={-1}>
        {title}
      </h3>
      {empty ? <p className="import-report__empty">The file holds no keys.</p> : <ImportReportView report={report} mode={mode} />}
      <FormError message={error} />
      <div className="form-actions">
        <span className="form-actions__spacer" />
        {children}
      </div>
    </div>
  );
}
