import { Menu, X } from "lucide-react";
import { useEffect, useState } from "react";
import type { SessionUser } from "../keyhaven";
import { HOME, useLocation } from "../router";
import { navSections } from "../lib/nav-sections";
import { ROUTES } from "../routes";
import { AppLink } from "./app-link";
import { Brand } from "./brand";
import { TeamSwitcher } from "./team-switcher";
import { UserPanel } from "./user-panel";

/** The navigation this user may open, grouped: admin pages for admins only (they group under "Admin"). */
const navFor = (user: SessionUser) => navSections(ROUTES.filter((r) => r.access !== "admin" || user.isAdmin));

/** Side navigation; below 768 px it folds into a top bar with a Menu button. */
export function Sidebar({ user }: { user: SessionUser }) {
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);

  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <aside className={`sidebar${open ? " sidebar--open" : ""}`}>
      <div className="sidebar__top">
        <AppLink to={HOME} className="sidebar__brand" aria-label="Keyhaven home">
          <Brand />
        </AppLink>
        <button
          type="button"
          className="icon-btn sidebar__toggle"
          aria-expanded={open}
          aria-controls="sidebar-panel"
          aria-label="Menu"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X size={20} aria-hidden="true" /> : <Menu size={20} aria-hidden="true" />}
        </button>
      </div>
      <div className="sidebar__panel" id="sidebar-panel">
        <TeamSwitcher />
        <nav aria-label="Main">
          {navFor(user).map((section) => {
            const headingId = section.label && `nav-${section.label.toLowerCase().replace(/\W+/g, "-")}`;
            return (
              <div key={section.label ?? ""} className="nav__section">
                {headingId && (
                  <p className="nav__heading" id={headingId}>
                    {section.label}
                  </p>
                )}
                <ul className="nav" aria-labelledby={headingId || undefined}>
                  {section.items.map(({ to, label, Icon }) => {
                    const current = pathname === to;
                    return (
                      <li key={to}>
                        <AppLink to={to} className={`nav__link${current ? " nav__link--current" : ""}`} aria-current={current ? "page" : undefined}>
                          <Icon size={18} aria-hidden="true" />
                          {label}
                        </AppLink>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
        </nav>
        <UserPanel user={user} />
      </div>
    </aside>
  );
}
