import { KeySquare, Plus } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { CreatedTokenPanel } from "../components/created-token-panel";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { NewTokenDialog } from "../components/new-token-dialog";
import { PageHeader } from "../components/page-header";
import { TokenRow } from "../components/token-row";
import { useAccessTokens } from "../hooks/use-access-tokens";
import type { CreatedToken } from "../keyhaven";

/** Settings → Access tokens: the tokens scripts use instead of a session; made, shown once, revoked here. */
export function TokensPage() {
  const tokens = useAccessTokens();
  const [creating, setCreating] = useState(false);
  // The only copy of a new token in the app: gone on dismiss or when the page unmounts.
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const newButtonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 4000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  // The panel and the focused button in it go away: keep the keyboard user near where they were.
  function dismiss() {
    setCreated(null);
    newButtonRef.current?.focus();
  }

  const list = tokens.data ?? [];
  const newButton = (
    <button ref={newButtonRef} type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
      <Plus size={16} aria-hidden="true" />
      New token
    </button>
  );

  let body;
  if (tokens.isLoading) body = <LoadingState label="Loading your tokens…" />;
  else if (tokens.error && list.length === 0) body = <ErrorState title="Couldn't load your tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />;
  else if (list.length === 0)
    body = (
      <EmptyState icon={<KeySquare size={28} />} title="No access tokens yet">
        <p className="state__text">A token lets a script, CI job or backend call Keyhaven as you, with only the scopes you give it. You can revoke it at any time.</p>
      </EmptyState>
    );
  else
    body = (
      <ul className="token-list" aria-label="Access tokens">
        {list.map((token) => (
          <TokenRow key={token.id} token={token} onNotice={setNotice} />
        ))}
      </ul>
    );

  return (
    <>
      <p className="page-eyebrow">Settings</p>
      <PageHeader
        title="Access tokens"
        description={list.length ? `${list.length} token${list.length === 1 ? "" : "s"}. Each works until it expires or you revoke it.` : "For scripts and services that call Keyhaven without a browser."}
        actions={newButton}
      />
      <p className="notice" role="status" aria-live="polite" data-testid="notice">
        {notice}
      </p>
      {created && <CreatedTokenPanel created={created} copyRef={copyButton} onDismiss={dismiss} />}
      {body}
      <NewTokenDialog open={creating} onOpenChange={setCreating} onCreated={setCreated} focusOnCreated={copyButton} />
    </>
  );
}
