import { Trash2 } from "lucide-react";
import type { TokenInfo } from "../../../src/shared/api-schemas.js";
import { formatDate, formatRelative } from "../lib/format-date";

/** One service token: its name, prefix (never the token), scopes, dates, and Revoke. */
export function AdminTokenRow({ token, onRevoke }: { token: TokenInfo; onRevoke: () => void }) {
  return (
    <li className="admin-row admin-row--token" data-testid="admin-token-row">
      <div className="admin-row__main">
        <p className="admin-row__title">
          <span className="admin-row__name">{token.name}</span>
          {token.scopes.map((s) => (
            <code key={s} className="admin-tag">
              {s}
            </code>
          ))}
        </p>
        <p className="admin-row__sub">
          <code className="masked">kh_{token.prefix}…</code>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>Created {formatDate(token.createdAt)}</span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>Last used: {formatRelative(token.lastUsedAt)}</span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>{token.expiresAt ? `Expires ${formatDate(token.expiresAt)}` : "No expiry"}</span>
        </p>
      </div>
      <div className="admin-row__actions">
        <button type="button" className="btn btn--ghost btn--sm btn--danger-text" onClick={onRevoke} aria-label={`Revoke ${token.name}`}>
          <Trash2 size={14} aria-hidden="true" />
          Revoke
        </button>
      </div>
    </li>
  );
}
