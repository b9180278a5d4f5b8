import { useRef, type RefObject } from "react";
import type { CreatedToken } from "../keyhaven";
import { useCreateAccessToken } from "../hooks/use-access-tokens";
import { Modal } from "./modal";
import { TokenForm } from "./token-form";

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Gets the token itself: the one time it exists outside the server's hash. */
  onCreated: (created: CreatedToken) => void;
  /** Where focus goes once a token is made (its Copy button); a cancel goes back to the opener. */
  focusOnCreated?: RefObject<HTMLElement | null>;
}

/** The new-token form in a modal, mounted only while open (a fresh form each time); creating closes it. */
export function NewTokenDialog({ open, onOpenChange, onCreated, focusOnCreated }: Props) {
  const { mutateAsync: create } = useCreateAccessToken();
  const made = useRef(false);
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      finalFocus={() => {
        const target = made.current ? focusOnCreated?.current : null;
        made.current = false;
        return target;
      }}
      title="New access token"
      description="A script, CI job or backend uses it to call Keyhaven as you, limited to the scopes you pick."
    >
      {open && (
        <TokenForm
          onCancel={() => onOpenChange(false)}
          onSubmit={async (body) => {
            const created = await create(body);
            made.current = true;
            onOpenChange(false);
            onCreated(created);
          }}
        />
      )}
    </Modal>
  );
}
