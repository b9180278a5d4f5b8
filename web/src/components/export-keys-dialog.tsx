import { Download, TriangleAlert } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../keyhaven";
import { useExportKeys } from "../hooks/use-key-files";
import { downloadBlob } from "../lib/download";
import { keysFileName } from "../lib/keys-file-name";
import { BACKUP_PASSPHRASE_MIN, checkNewPassphrase, type PassphraseErrors } from "../lib/passphrase-check";
import { FormFooter } from "./form-footer";
import { Modal } from "./modal";
import { PassphraseField } from "./passphrase-field";

export interface KeysOwner {
  /** Unset: the signed-in person's own keys. */
  team?: { id: string; name: string; slug: string };
}

interface Props extends KeysOwner {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Gets the downloaded file's name. */
  onExported: (fileName: string) => void;
}

/** Every key, values included, sealed under a passphrase the person picks, then downloaded. */
export function ExportKeysDialog({ open, onOpenChange, onExported, team }: Props) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={team ? `Export ${team.name}'s keys` : "Export my keys"}
      description="Downloads every key, values included, as one encrypted file you can import into Keyhaven later."
    >
      {open && <ExportForm team={team} onCancel={() => onOpenChange(false)} onExported={(name) => {
            onOpenChange(false);
            onExported(name);
          }} />}
    </Modal>
  );
}

function ExportForm({ team, onCancel, onExported }: KeysOwner & { onCancel: () => void; onExported: (fileName: string) => void }) {
  const uid = useId();
  const ids = { passphrase: `${uid}-passphrase`, confirm: `${uid}-confirm` };
  const exportKeys = useExportKeys(team?.id);
  const [fields, setFields] = useState({ passphrase: "", confirm: "" });
  const [errors, setErrors] = useState<PassphraseErrors>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  // Editing a field clears what was said of it.
  const edit = (field: keyof PassphraseErrors) => (value: string) => {
    setFields((f) => ({ ...f, [field]: value }));
    setErrors(({ [field]: _, ...rest }) => rest);
  };

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const found = checkNewPassphrase(fields.passphrase, fields.confirm);
    setErrors(found);
    setSubmitError(null);
    if (found.passphrase || found.confirm) {
      document.getElementById(found.passphrase ? ids.passphrase : ids.confirm)?.focus();
      return;
    }
    try {
      const file = await exportKeys.mutateAsync(fields.passphrase);
      const name = keysFileName(new Date(), team);
      downloadBlob(file, name);
      onExported(name);
    } catch (err) {
      setSubmitError(errorMessage(err));
    }
  }

  const busy = exportKeys.isPending;
  return (
    <form className="key-form" onSubmit={handleSubmit} noValidate aria-busy={busy}>
      <PassphraseField
        id={ids.passphrase}
        autoFocus
        autoComplete="new-password"
        hint={`At least ${BACKUP_PASSPHRASE_MIN} characters: the file is only as hard to open as its passphrase is to guess. A few unrelated words work well.`}
        error={errors.passphrase}
        value={fields.passphrase}
        onValueChange={edit("passphrase")}
      />
      <PassphraseField
        id={ids.confirm}
        label="Confirm passphrase"
        autoComplete="new-password"
        error={errors.confirm}
        value={fields.confirm}
        onValueChange={edit("confirm")}
      />
      <div className="warning-note" role="note">
        <TriangleAlert size={16} aria-hidden="true" />
        <p>
          Keyhaven cannot recover this passphrase: without it, nobody can open the file. Keep it somewhere safe, apart from the file, and keep the file as
          safe as the keys themselves.
        </p>
      </div>
      <FormFooter error={submitError} busy={busy} onCancel={onCancel} icon={Download} label="Export and download" />
    </form>
  );
}
