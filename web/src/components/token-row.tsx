import { Ban, Gauge } from "lucide-react";
import { useState } from "react";
import type { TokenInfo } from "../keyhaven";
import { isExpiredAt } from "../../../src/shared/expiry";
import { formatDate, formatDateTime, formatRelative } from "../lib/format-date";
import { useLimitSetters } from "../hooks/use-gateway-usage";
import { LimitsDialog } from "./limits-dialog";
import { RevokeTokenDialog } from "./revoke-token-dialog";
import { ScopeChips } from "./scope-chips";

/** When a token stops working, as the list says it: "Never", a day, or "Expired <day>". */
function expiryText(expiresAt: string | null, now: number): string {
  if (!expiresAt) return "Never";
  return isExpiredAt(expiresAt, now) ? `Expired ${formatDate(expiresAt)}` : formatDate(expiresAt);
}

/** One access token: its name and prefix, what it may do, its dates, and Revoke. */
export function TokenRow({ token, onNotice }: { token: TokenInfo; onNotice: (message: string) => void }) {
  const [revoking, setRevoking] = useState(false);
  const [limiting, setLimiting] = useState(false);
  const setLimits = useLimitSetters().token.mutateAsync;
  const nameId = `token-${token.id}-name`;
  const expired = isExpiredAt(token.expiresAt, Date.now());

  return (
    <li>
      <article className={`token-row${expired ? " token-row--expired" : ""}`} aria-labelledby={nameId} data-testid="token-row" data-token-id={token.id}>
        <div className="token-row__identity">
          <h3 className="token-row__name" id={nameId}>
            {token.name}
          </h3>
          <code className="masked" data-testid="token-prefix">
            kh_{token.prefix}…
          </code>
        </div>
        <ScopeChips scopes={token.scopes} />
        <dl className="token-row__meta">
          <div>
            <dt>Created</dt>
            <dd title={formatDateTime(token.createdAt)}>{formatDate(token.createdAt)}</dd>
          </div>
          <div>
            <dt>Expires</dt>
            <dd title={formatDateTime(token.expiresAt)} className={expired ? "token-row__expired" : undefined} data-testid="token-expires">
              {expiryText(token.expiresAt, Date.now())}
            </dd>
          </div>
          <div>
            <dt>Last used</dt>
            <dd title={formatDateTime(token.lastUsedAt)} data-testid="token-last-used">
              {token.lastUsedAt ? formatRelative(token.lastUsedAt) : "Never used"}
            </dd>
          </div>
        </dl>
        <div className="token-row__actions">
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setLimiting(true)}>
            <Gauge size={14} aria-hidden="true" />
            Limits
          </button>
          <button type="button" className="btn btn--ghost btn--sm btn--danger-text token-row__revoke" onClick={() => setRevoking(true)}>
            <Ban size={14} aria-hidden="true" />
            Revoke
          </button>
        </div>
      </article>
      <LimitsDialog
        subject={{ kind: "token", id: token.id }}
        name={token.name}
        open={limiting}
        onOpenChange={setLimiting}
        save={(limits) => setLimits({ id: token.id, limits })}
        onSaved={onNotice}
      />
      <RevokeTokenDialog token={token} open={revoking} onOpenChange={setRevoking} onRevoked={(name) => onNotice(`Revoked ${name}`)} />
    </li>
  );
}
