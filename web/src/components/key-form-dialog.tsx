import type { ReactNode } from "react";
import type { ApiKey, TestKeyBody, TestResult } from "../keyhaven";
import type { KeyDraftState } from "../lib/key-draft";
import { KeyForm } from "./key-form";
import { Modal } from "./modal";
import { WithServices } from "./with-services";

export interface KeyFormDialogProps {
  title: string;
  description: string;
  mode: "create" | "edit";
  initial?: ApiKey;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onTest: (body: TestKeyBody) => Promise<TestResult>;
  /** Stores the draft and answers the saved key's name; a throw stays in the form as its error. */
  save: (draft: KeyDraftState) => Promise<string>;
  onSaved?: (name: string) => void;
  /** More fields in the form, after the standard ones. */
  extraFields?: ReactNode;
}

/** The key form in a modal, mounted only while open (a fresh draft each time); saving closes it. */
export function KeyFormDialog({ title, description, mode, initial, open, onOpenChange, onTest, save, onSaved, extraFields }: KeyFormDialogProps) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={title} description={description}>
      {open && (
        <WithServices>
          {(services) => (
            <KeyForm
              mode={mode}
              initial={initial}
              services={services}
              onTest={onTest}
              extraFields={extraFields}
              onCancel={() => onOpenChange(false)}
              onSubmit={async (draft) => {
                const name = await save(draft);
                onOpenChange(false);
                onSaved?.(name);
              }}
            />
          )}
        </WithServices>
      )}
    </Modal>
  );
}
