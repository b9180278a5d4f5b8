import { Trash2 } from "lucide-react";
import { AlertDialog } from "radix-ui";
import { useState } from "react";
import { useReturnFocus } from "./use-return-focus";
import { errorMessage, type ApiKey, type UseApiKeysResult } from "../keyhaven";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";

interface Props {
  apiKey: ApiKey;
  /** The keys page's action (see KeyActions in key-card.tsx). */
  deleteApiKey: UseApiKeysResult["deleteApiKey"];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: (name: string) => void;
}

/** Asks before deleting; Cancel has the focus, so Enter never deletes by accident. */
export function DeleteKeyDialog({ apiKey, deleteApiKey, open, onOpenChange, onDeleted }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const returnFocus = useReturnFocus(open);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await deleteApiKey(apiKey.id);
      onOpenChange(false);
      onDeleted?.(apiKey.name);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => { setError(null); onOpenChange(next); }}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="overlay" />
        <AlertDialog.Content
          className="modal modal--small"
          // Back to the Delete button on cancel; once the card is gone, to the page.
          onCloseAutoFocus={returnFocus}
        >
          <div className="modal__body">
            <AlertDialog.Title className="modal__title">Delete “{apiKey.name}”?</AlertDialog.Title>
            <AlertDialog.Description className="modal__description">
              Applications asking for this key will fall back to another key or the environment. This can’t be undone.
            </AlertDialog.Description>
            <FormError message={error} />
            <div className="form-actions">
              <span className="form-actions__spacer" />
              <AlertDialog.Cancel className="btn btn--ghost">Cancel</AlertDialog.Cancel>
              <button type="button" className="btn btn--danger" onClick={confirm} disabled={busy}>
                {busy ? <Spinner /> : <Trash2 size={16} aria-hidden="true" />}
                Delete
              </button>
            </div>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
