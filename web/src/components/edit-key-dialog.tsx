import type { ApiKey, UseApiKeysResult } from "../keyhaven";
import { buildUpdateBody } from "../lib/key-draft";
import { KeyFormDialog } from "./key-form-dialog";

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
    <KeyFormDialog
      title="Edit key"
      description={`Change the name, description, expiry or secret of “${apiKey.name}”.`}
      mode="edit"
      initial={apiKey}
      open={open}
      onOpenChange={onOpenChange}
      onTest={testApiKey}
      save={async (draft) => {
        const body = buildUpdateBody(draft, apiKey);
        // Nothing changed: no request, the dialog just closes.
        return Object.keys(body).length ? (await updateApiKey(apiKey.id, body)).name : apiKey.name;
      }}
      onSaved={onSaved}
    />
  );
}
