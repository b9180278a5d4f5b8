import { Ban } from "lucide-react";
import type { TokenInfo } from "../keyhaven";
import { useRevokeAccessToken } from "../hooks/use-access-tokens";
import { ConfirmDialog } from "./confirm-dialog";

interface Props {
  token: TokenInfo;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRevoked?: (name: string) => void;
}

export function RevokeTokenDialog({ token, open, onOpenChange, onRevoked }: Props) {
  const { mutateAsync: revoke } = useRevokeAccessToken();
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Revoke “${token.name}”?`}
      description={
        <>
          Anything using <code>kh_{token.prefix}…</code> is refused from this moment on. This can’t be undone; make a new token if you need one.
        </>
      }
      confirmLabel="Revoke"
      icon={<Ban size={16} aria-hidden="true" />}
      onConfirm={async () => {
        await revoke(token.id);
        onRevoked?.(token.name);
      }}
    />
  );
}
