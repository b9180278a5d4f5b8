import type { ReactNode } from "react";
import type { SessionUser } from "../keyhaven";
import { AdminBackupAlert } from "./admin-backup-alert";
import { Sidebar } from "./sidebar";

export function AppLayout({ user, children }: { user: SessionUser; children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar user={user} />
      <main className="main" id="main" tabIndex={-1}>
        <AdminBackupAlert isAdmin={Boolean(user.isAdmin)} />
        {children}
      </main>
    </div>
  );
}
