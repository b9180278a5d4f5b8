import { KeySquare, Plus } from "lucide-react";
import { useRef, useState } from "react";
import { CreatedTokenPanel } from "../components/created-token-panel";
import { EmptyState } from "../components/empty-state";
import { NewTokenDialog } from "../components/new-token-dialog";
import { PageHeader } from "../components/page-header";
import { ListBody } from "../components/list-body";
import { Notice, useNotice } from "../components/notice";
import { TokenRow } from "../components/token-row";
import { useAccessTokens } from "../hooks/use-access-tokens";
import type { CreatedToken } from "../keyhaven";

/** Settings → Access tokens: the tokens scripts use instead of a session; made, shown once, revoked here. */
export function TokensPage() {
  const tokens = useAccessTokens();
  const [creating, setCreating] = useState(false);
  // The only copy of a new token in the app: gone on dismiss or when the page unmounts.
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useNotice();
  const copyButton = useRef<HTMLButtonElement>(null);
  const newButtonRef = useRef<HTMLButtonElement>(null);

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

  const body = (
    <ListBody
      query={tokens}
      loadingLabel="Loading your tokens…"
      errorTitle="Couldn't load your tokens"
      empty={
        <EmptyState icon={<KeySquare size={28} />} title="No access tokens yet">
          <p className="state__text">A token lets a script, CI job or backend call Keyhaven as you, with only the scopes you give it. You can revoke it at any time.</p>
        </EmptyState>
      }
    >
      {(list) => (
        <ul className="token-list" aria-label="Access tokens">
          {list.map((token) => (
            <TokenRow key={token.id} token={token} onNotice={setNotice} />
          ))}
        </ul>
      )}
    </ListBody>
  );

  return (
    <>
      <p className="page-eyebrow">Settings</p>
      <PageHeader
        title="Access tokens"
        description={list.length ? `${list.length} token${list.length === 1 ? "" : "s"}. Each works until it expires or you revoke it.` : "For scripts and services that call Keyhaven without a browser."}
        actions={newButton}
      />
      <Notice message={notice} />
      {created && <CreatedTokenPanel created={created} copyRef={copyButton} onDismiss={dismiss} />}
      {body}
      <NewTokenDialog open={creating} onOpenChange={setCreating} onCreated={setCreated} focusOnCreated={copyButton} />
    </>
  );
}
