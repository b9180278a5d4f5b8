import { Ban, RotateCcw } from "lucide-react";
import type { AdminUser } from "../../../src/shared/api-schemas.js";
import { formatDate } from "../lib/format-date";
import { Spinner } from "./spinner";

function initials(user: AdminUser): string {
  const parts = (user.name.trim() || user.email).split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

interface Props {
  user: AdminUser;
  /** The signed-in admin's own row: it cannot be disabled. */
  isSelf: boolean;
  onDisable: () => void;
  onEnable: () => void;
  enabling: boolean;
}

/** One account on the Users page: who, since when, its badges, and Disable or Enable. */
export function AdminUserRow({ user, isSelf, onDisable, onEnable, enabling }: Props) {
  return (
    <li className={`admin-row${user.disabled ? " admin-row--muted" : ""}`} data-testid="admin-user-row">
      <span className="avatar" aria-hidden="true">
        {initials(user)}
      </span>
      <div className="admin-row__main">
        <p className="admin-row__title">
          <span className="admin-row__name">{user.name || user.email}</span>
          {isSelf && <span className="admin-tag">You</span>}
          {user.isAdmin && <span className="admin-tag admin-tag--admin">Admin</span>}
          {user.disabled && <span className="admin-tag admin-tag--disabled">Disabled</span>}
        </p>
        <p className="admin-row__sub">
          <span className="admin-row__email">{user.email}</span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>{user.disabled ? `Disabled ${formatDate(user.disabledAt)}` : `Joined ${formatDate(user.createdAt)}`}</span>
        </p>
      </div>
      <div className="admin-row__actions">
        {user.disabled ? (
          <button type="button" className="btn btn--secondary btn--sm" onClick={onEnable} disabled={enabling} aria-label={`Enable ${user.email}`}>
            {enabling ? <Spinner /> : <RotateCcw size={14} aria-hidden="true" />}
            Enable
          </button>
        ) : isSelf ? null : (
          <button type="button" className="btn btn--ghost btn--sm btn--danger-text" onClick={onDisable} aria-label={`Disable ${user.email}`}>
            <Ban size={14} aria-hidden="true" />
            Disable
          </button>
        )}
      </div>
    </li>
  );
}
