import { useCreateApiKey, useTestApiKey } from "../keyhaven";
import { buildCreateBody } from "../lib/key-draft";
import { KeyForm } from "./key-form";
import { Modal } from "./modal";
import { WithServices } from "./with-services";

export function AddKeyDialog({ open, onOpenChange, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; onSaved?: (name: string) => void }) {
  // Only the two changes it makes: adding a key does not need the list itself.
  const { mutateAsync: createApiKey } = useCreateApiKey();
  const { mutateAsync: testApiKey } = useTestApiKey();
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Add a key" description="Stored encrypted; only you can reveal it.">
      {open && (
        <WithServices>
          {(services) => (
            <KeyForm
              mode="create"
              services={services}
              onTest={testApiKey}
              onCancel={() => onOpenChange(false)}
              onSubmit={async (draft) => {
                const key = await createApiKey(buildCreateBody(draft));
                onOpenChange(false);
                onSaved?.(key.name);
              }}
            />
          )}
        </WithServices>
      )}
    </Modal>
  );
}
