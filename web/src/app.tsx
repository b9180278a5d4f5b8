import { Suspense, useEffect } from "react";
import { AppLayout } from "./components/app-layout";
import { ErrorState } from "./components/error-state";
import { LoadingState } from "./components/loading-state";
import { useSession } from "./hooks/use-session";
import { NotFoundPage } from "./pages/not-found-page";
import { HOME, navigate, safeNext, useLocation } from "./router";
import type { RouteParams } from "./lib/route-match";
import { matchRoute, type AppRoute } from "./routes";

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function RoutePage({ route, params }: { route: AppRoute; params: RouteParams }) {
  const Page = route.page;
  // Lazily loaded pages suspend while they download; the others never do.
  return (
    <Suspense fallback={<LoadingState label={route.loading ?? "Loading…"} />}>
      <Page params={params} />
    </Suspense>
  );
}

export function App() {
  const session = useSession();
  const { pathname, search } = useLocation();
  const match = matchRoute(pathname);
  const route = match?.route;

  useEffect(() => {
    document.title = `${route?.title ?? "Keyhaven"} · Keyhaven`;
  }, [route]);

  if (session.isLoading) return <LoadingState label="Loading Keyhaven…" />;
  if (session.error)
    return (
      <main className="auth" id="main">
        <ErrorState title="Keyhaven is not answering" error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );

  const user = session.data?.user;
  if (match && match.route.access === "guest") {
    if (user) return <Redirect to={safeNext(search.get("next"))} />;
    return <RoutePage route={match.route} params={match.params} />;
  }
  // Every other path, known or not, is for signed-in people: sign in first, then come back.
  if (!user) {
    const next = pathname === "/" || pathname === HOME ? "" : `?next=${encodeURIComponent(pathname)}`;
    return <Redirect to={`/sign-in${next}`} />;
  }
  if (pathname === "/") return <Redirect to={HOME} />;

  // An admin page for someone who is not an admin: as if it did not exist.
  const allowed = match && (match.route.access !== "admin" || user.isAdmin) ? match : undefined;
  // Keyed by path: another team's page is a fresh page, not the last one's state with new params.
  return <AppLayout user={user}>{allowed ? <RoutePage key={pathname} route={allowed.route} params={allowed.params} /> : <NotFoundPage />}</AppLayout>;
}
