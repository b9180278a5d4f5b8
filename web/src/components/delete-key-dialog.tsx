import { Trash2 } from "lucide-react";
import type { ApiKey, UseApiKeysResult } from "../keyhaven";
import { ConfirmDialog } from "./confirm-dialog";

interface Props {
  apiKey: ApiKey;
  /** The keys page's action (see KeyActions in key-card.tsx). */
  deleteApiKey: UseApiKeysResult["deleteApiKey"];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: (name: string) => void;
}

export function DeleteKeyDialog({ apiKey, deleteApiKey, open, onOpenChange, onDeleted }: Props) {
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Delete “${apiKey.name}”?`}
      description="Applications asking for this key will fall back to another key or the environment. This can’t be undone."
      confirmLabel="Delete"
      icon={<Trash2 size={16} aria-hidden="true" />}
      onConfirm={async () => {
        await deleteApiKey(apiKey.id);
        onDeleted?.(apiKey.name);
      }}
    />
  );
}
