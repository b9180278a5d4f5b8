import { Ban } from "lucide-react";
import { AlertDialog } from "radix-ui";
import { useState } from "react";
import { errorMessage, type TokenInfo } from "../keyhaven";
import { useRevokeAccessToken } from "../hooks/use-access-tokens";
import { FormError } from "./form-error";
import { Spinner } from "./spinner";
import { useReturnFocus } from "./use-return-focus";

interface Props {
  token: TokenInfo;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRevoked?: (name: string) => void;
}

/** Asks before revoking; Cancel has the focus, so Enter never revokes by accident. */
export function RevokeTokenDialog({ token, open, onOpenChange, onRevoked }: Props) {
  const { mutateAsync: revoke } = useRevokeAccessToken();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const returnFocus = useReturnFocus(open);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await revoke(token.id);
      onOpenChange(false);
      onRevoked?.(token.name);
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
        {/* Back to the Revoke button on cancel; once the row is gone, to the page. */}
        <AlertDialog.Content className="modal modal--small" onCloseAutoFocus={returnFocus}>
          <div className="modal__body">
            <AlertDialog.Title className="modal__title">Revoke “{token.name}”?</AlertDialog.Title>
            <AlertDialog.Description className="modal__description">
              Anything using <code>kh_{token.prefix}…</code> is refused from this moment on. This can’t be undone; make a new token if you need one.
            </AlertDialog.Description>
            <FormError message={error} />
            <div className="form-actions">
              <span className="form-actions__spacer" />
              <AlertDialog.Cancel className="btn btn--ghost">Cancel</AlertDialog.Cancel>
              <button type="button" className="btn btn--danger" onClick={confirm} disabled={busy}>
                {busy ? <Spinner /> : <Ban size={16} aria-hidden="true" />}
                Revoke
              </button>
            </div>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
