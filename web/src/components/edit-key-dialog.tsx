import type { ApiKey, UseApiKeysResult } from "../keyhaven";
import { buildUpdateBody } from "../lib/key-draft";
import { KeyForm } from "./key-form";
import { Modal } from "./modal";
import { WithServices } from "./with-services";

interface Props {
  apiKey: ApiKey;
  /** The keys page's actions (see KeyActions in key-card.tsx). */
  updateApiKey: UseApiKeysResult["updateApiKey"];
  testApiKey: UseApiKeysResult["testApiKey"];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSaved?: (name: string) => void;
}

export function EditKeyDialog({ apiKey, updateApiKey, testApiKey, open, onOpenChange, onSaved }: Props) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Edit key" description={`Change the name, description, expiry or secret of “${apiKey.name}”.`}>
      {open && (
        <WithServices>
          {(services) => (
            <KeyForm
              mode="edit"
              initial={apiKey}
              services={services}
              onTest={testApiKey}
              onCancel={() => onOpenChange(false)}
              onSubmit={async (draft) => {
                const body = buildUpdateBody(draft, apiKey);
                const saved = Object.keys(body).length ? await updateApiKey(apiKey.id, body) : apiKey;
                onOpenChange(false);
                onSaved?.(saved.name);
              }}
            />
          )}
        </WithServices>
      )}
    </Modal>
  );
}
