import { LogOut } from "lucide-react";
import { errorMessage, type SessionUser } from "../keyhaven";
import { useAuthActions } from "../hooks/use-session";
import { Spinner } from "./spinner";

function initials(user: SessionUser): string {
  const source = user.name?.trim() || user.email;
  const parts = source.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

/** Who is signed in, and the way out. */
export function UserPanel({ user }: { user: SessionUser }) {
  const { signOut } = useAuthActions();
  return (
    <div className="user-panel">
      <span className="avatar" aria-hidden="true">
        {initials(user)}
      </span>
      <div className="user-panel__who" data-testid="signed-in-user">
        <span className="user-panel__name">{user.name || user.email}</span>
        <span className="user-panel__email">{user.email}</span>
      </div>
      <button type="button" className="icon-btn" onClick={() => signOut.mutate()} disabled={signOut.isPending} aria-label="Sign out" title="Sign out">
        {signOut.isPending ? <Spinner /> : <LogOut size={18} aria-hidden="true" />}
      </button>
      {signOut.error && (
        <p className="user-panel__error" role="alert">
          {errorMessage(signOut.error)}
        </p>
      )}
    </div>
  );
}
