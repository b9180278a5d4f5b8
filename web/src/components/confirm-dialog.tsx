import { AlertDialog } from "radix-ui";
import { useState, type ReactNode } from "react";
import { errorMessage } from "../keyhaven";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";
import { useReturnFocus } from "./use-return-focus";

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  icon: ReactNode;
  /** Runs on confirm; the dialog closes when it resolves and shows the error when it throws. */
  onConfirm: () => Promise<unknown>;
}

/**
 * Asks before an irreversible step (delete a key, revoke a token, disable an account). Cancel has
 * the focus, so Enter never confirms by accident; focus goes back to the button that opened it,
 * or to the page once that button is gone.
 */
export function ConfirmDialog({ open, onOpenChange, title, description, confirmLabel, icon, onConfirm }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const returnFocus = useReturnFocus(open);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onOpenChange(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        setError(null);
        onOpenChange(next);
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="overlay" />
        <AlertDialog.Content className="modal modal--small" onCloseAutoFocus={returnFocus}>
          <div className="modal__body">
            <AlertDialog.Title className="modal__title">{title}</AlertDialog.Title>
            <AlertDialog.Description className="modal__description">{description}</AlertDialog.Description>
            <FormError message={error} />
            <div className="form-actions">
              <span className="form-actions__spacer" />
              <AlertDialog.Cancel className="btn btn--ghost">Cancel</AlertDialog.Cancel>
              <button type="button" className="btn btn--danger" onClick={() => void confirm()} disabled={busy}>
                {busy ? <Spinner /> : icon}
                {confirmLabel}
              </button>
            </div>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
