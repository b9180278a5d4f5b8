import type { ReactNode } from "react";
import type { SessionUser } from "../keyhaven";
import { Sidebar } from "./sidebar";

export function AppLayout({ user, children }: { user: SessionUser; children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar user={user} />
      <main className="main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
