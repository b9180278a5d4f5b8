/**
 * Every page of the app, one line each: where it lives, who may see it, what the tab says and,
 * for pages in the main navigation, their icon. app.tsx renders from this table and the
 * sidebar lists from it, so adding a page is adding a line here.
 */
import { ChartColumn, DatabaseBackup, KeyRound, KeySquare, Plug, ScrollText, UsersRound, Users, type LucideIcon } from "lucide-react";
import { lazy, type ComponentType } from "react";
import { matchPath, type RouteParams } from "./lib/route-match";
import { InvitationPage } from "./pages/invitation-page";
import { KeysPage } from "./pages/keys-page";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { TeamKeysPage } from "./pages/team-keys-page";
import { TeamsSettingsPage } from "./pages/teams-settings-page";
import { TokensPage } from "./pages/tokens-page";

// recharts is the heaviest dependency; only the Usage page needs it.
const UsagePage = lazy(() => import("./pages/usage-page").then((m) => ({ default: m.UsagePage })));
const AuditPage = lazy(() => import("./pages/audit-page").then((m) => ({ default: m.AuditPage })));
// Admin pages: most people never open them.
const AdminUsersPage = lazy(() => import("./pages/admin-users-page").then((m) => ({ default: m.AdminUsersPage })));
const AdminTokensPage = lazy(() => import("./pages/admin-tokens-page").then((m) => ({ default: m.AdminTokensPage })));
const AdminBackupsPage = lazy(() => import("./pages/admin-backups-page").then((m) => ({ default: m.AdminBackupsPage })));
const TeamMembersPage = lazy(() => import("./pages/team-members-page").then((m) => ({ default: m.TeamMembersPage })));
const TeamUsagePage = lazy(() => import("./pages/team-usage-page").then((m) => ({ default: m.TeamUsagePage })));

/** What a page gets from its path: `:name` segments by name (empty for plain paths). */
export interface RoutePageProps {
  params: RouteParams;
}

export interface AppRoute {
  /** Exact, or a pattern with `:name` segments (`/teams/:teamId/keys`); see route-match.ts. */
  path: string;
  page: ComponentType<RoutePageProps>;
  /**
   * "user": signed-in only, inside the app layout; "admin": the same, for instance admins only
   * (the session's `isAdmin`; the server checks again on every request); "guest": signed-out
   * only (sign-in, sign-up).
   */
  access: "user" | "admin" | "guest";
  /** The tab title, and the navigation label when `nav` is set. */
  title: string;
  /** Shown in the sidebar with this icon. */
  nav?: LucideIcon;
  /** What to say while a lazily loaded page downloads ("Loading…" if unset). */
  loading?: string;
}

export const ROUTES: readonly AppRoute[] = [
  { path: "/keys", page: KeysPage, access: "user", title: "API Keys", nav: KeyRound },
  { path: "/usage", page: UsagePage, access: "user", title: "Usage", nav: ChartColumn, loading: "Loading usage…" },
  { path: "/audit", page: AuditPage, access: "user", title: "Audit log", nav: ScrollText, loading: "Loading the audit log…" },
  { path: "/settings/tokens", page: TokensPage, access: "user", title: "Access tokens", nav: KeySquare },
  { path: "/settings/teams", page: TeamsSettingsPage, access: "user", title: "Teams", nav: UsersRound },
  // A team's pages: the team switcher in the sidebar leads here, so they have no `nav`.
  { path: "/teams/:teamId/keys", page: TeamKeysPage, access: "user", title: "Team keys" },
  { path: "/teams/:teamId/members", page: TeamMembersPage, access: "user", title: "Team members", loading: "Loading members…" },
  { path: "/teams/:teamId/usage", page: TeamUsagePage, access: "user", title: "Team usage", loading: "Loading usage…" },
  { path: "/invite/:invitationId", page: InvitationPage, access: "user", title: "Invitation" },
  { path: "/admin/users", page: AdminUsersPage, access: "admin", title: "Users", nav: Users, loading: "Loading users…" },
  { path: "/admin/service-tokens", page: AdminTokensPage, access: "admin", title: "Service tokens", nav: Plug, loading: "Loading service tokens…" },
  { path: "/admin/backups", page: AdminBackupsPage, access: "admin", title: "Backups", nav: DatabaseBackup, loading: "Loading the backups…" },
  { path: "/sign-in", page: SignInPage, access: "guest", title: "Sign in" },
  { path: "/sign-up", page: SignUpPage, access: "guest", title: "Sign up" },
];

export interface RouteMatch {
  route: AppRoute;
  params: RouteParams;
}

/** The route for this path and its params (the router has already trimmed trailing slashes); first in table order. */
export function matchRoute(pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return undefined;
}

export function findRoute(pathname: string): AppRoute | undefined {
  return matchRoute(pathname)?.route;
}
