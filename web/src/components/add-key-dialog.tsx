import { useCreateApiKey, useTestApiKey } from "../keyhaven";
import { buildCreateBody } from "../lib/key-draft";
import { KeyFormDialog } from "./key-form-dialog";

export function AddKeyDialog({ open, onOpenChange, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; onSaved?: (name: string) => void }) {
  // Only the two changes it makes: adding a key does not need the list itself.
  const { mutateAsync: createApiKey } = useCreateApiKey();
  const { mutateAsync: testApiKey } = useTestApiKey();
  return (
    <KeyFormDialog
      title="Add a key"
      description="Stored encrypted; only you can reveal it."
      mode="create"
      open={open}
      onOpenChange={onOpenChange}
      onTest={testApiKey}
      save={async (draft) => (await createApiKey(buildCreateBody(draft))).name}
      onSaved={onSaved}
    />
  );
}
