import { X } from "lucide-react";
import { Dialog } from "radix-ui";
import type { ReactNode } from "react";
import { useReturnFocus } from "./use-return-focus";

interface ModalProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  /** Asked on close: an element to focus instead of the opener (e.g. what the dialog just made). */
  finalFocus?: () => HTMLElement | null | undefined;
  children: ReactNode;
}

/** Dialog shell: focus trapped, Escape closes, title and description wired for screen readers. */
export function Modal({ open, onOpenChange, title, description, finalFocus, children }: ModalProps) {
  const returnFocus = useReturnFocus(open);
  const onCloseAutoFocus = (event: Event) => {
    const target = finalFocus?.();
    returnFocus(event);
    if (target?.isConnected) target.focus();
  };
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="modal" onCloseAutoFocus={onCloseAutoFocus}>
          <header className="modal__header">
            <div>
              <Dialog.Title className="modal__title">{title}</Dialog.Title>
              {description ? (
                <Dialog.Description className="modal__description">{description}</Dialog.Description>
              ) : (
                <Dialog.Description className="sr-only">{title}</Dialog.Description>
              )}
            </div>
            <Dialog.Close className="icon-btn" aria-label="Close">
              <X size={18} aria-hidden="true" />
            </Dialog.Close>
          </header>
          <div className="modal__body">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
