import { lazy, Suspense, useEffect } from "react";
import { AppLayout } from "./components/app-layout";
import { ErrorState } from "./components/error-state";
import { LoadingState } from "./components/loading-state";
import { useSession } from "./hooks/use-session";
import { KeysPage } from "./pages/keys-page";
import { NotFoundPage } from "./pages/not-found-page";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { navigate, safeNext, useLocation } from "./router";

// recharts is the heaviest dependency; only the Usage page needs it.
const UsagePage = lazy(() => import("./pages/usage-page").then((m) => ({ default: m.UsagePage })));

const PUBLIC_PATHS = new Set(["/sign-in", "/sign-up"]);
const TITLES: Record<string, string> = { "/keys": "API Keys", "/usage": "Usage", "/sign-in": "Sign in", "/sign-up": "Sign up" };

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const session = useSession();
  const { pathname, search } = useLocation();

  useEffect(() => {
    document.title = `${TITLES[pathname] ?? "Keyhaven"} · Keyhaven`;
  }, [pathname]);

  if (session.isLoading) return <LoadingState label="Loading Keyhaven…" />;
  if (session.error)
    return (
      <main className="auth" id="main">
        <ErrorState title="Keyhaven is not answering" error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );

  const user = session.data?.user;
  if (PUBLIC_PATHS.has(pathname)) {
    if (user) return <Redirect to={safeNext(search.get("next"))} />;
    return pathname === "/sign-in" ? <SignInPage /> : <SignUpPage />;
  }
  if (!user) {
    const next = pathname === "/" || pathname === "/keys" ? "" : `?next=${encodeURIComponent(pathname)}`;
    return <Redirect to={`/sign-in${next}`} />;
  }
  if (pathname === "/") return <Redirect to="/keys" />;

  return (
    <AppLayout user={user}>
      {pathname === "/keys" ? (
        <KeysPage />
      ) : pathname === "/usage" ? (
        <Suspense fallback={<LoadingState label="Loading usage…" />}>
          <UsagePage />
        </Suspense>
      ) : (
        <NotFoundPage />
      )}
    </AppLayout>
  );
}
