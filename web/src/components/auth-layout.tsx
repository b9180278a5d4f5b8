import type { ReactNode } from "react";
import { Brand } from "./brand";

/** The centred card around sign-in and sign-up. */
export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth__card">
        <Brand />
        <h1 className="auth__title">{title}</h1>
        <p className="auth__subtitle">{subtitle}</p>
        {children}
        <p className="auth__footer">{footer}</p>
      </div>
    </main>
  );
}
