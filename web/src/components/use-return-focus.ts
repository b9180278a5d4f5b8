import { useRef } from "react";

/**
 * Our dialogs are opened by buttons that are not Radix Triggers, so Radix has nowhere to send
 * focus on close and it falls to <body>. Remember what had focus when the dialog opened and
 * return there; if that element is gone (its card was deleted), land on the main region.
 */
export function useReturnFocus(open: boolean): (event: Event) => void {
  const opener = useRef<HTMLElement | null>(null);
  // Read during render: this runs before the dialog mounts and moves focus inside itself.
  if (open && opener.current === null && typeof document !== "undefined") {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }
  return (event: Event) => {
    event.preventDefault();
    const target = opener.current;
    opener.current = null;
    if (target && target.isConnected && target !== document.body) target.focus();
    else document.getElementById("main")?.focus();
  };
}
