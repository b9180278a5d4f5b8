import { useEffect, useState } from "react";

/** A short confirmation ("Revoked ci-deploy") that clears itself after a few seconds. */
export function useNotice(): [string | null, (message: string | null) => void] {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 4000);
    return () => window.clearTimeout(timer);
  }, [notice]);
  return [notice, setNotice];
}

/** Always in the page (empty when quiet) so screen readers announce each new message. */
export function Notice({ message }: { message: string | null }) {
  return (
    <p className="notice" role="status" aria-live="polite" data-testid="notice">
      {message}
    </p>
  );
}
