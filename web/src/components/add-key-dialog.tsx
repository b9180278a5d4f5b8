import { useApiKeys } from "../keyhaven";
import { useServices } from "../hooks/use-services";
import { buildCreateBody } from "../lib/key-draft";
import { KeyForm } from "./key-form";
import { Modal } from "./modal";

export function AddKeyDialog({ open, onOpenChange, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; onSaved?: (name: string) => void }) {
  const { createApiKey, testApiKey } = useApiKeys();
  const services = useServices();
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Add a key" description="Stored encrypted; only you can reveal it.">
      {open && (
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
    </Modal>
  );
}
