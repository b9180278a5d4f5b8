/** A tiny history router: the server falls back to index.html for every non-API path. */
import { useSyncExternalStore } from "react";

const EVENT = "keyhaven:navigate";

/** Where "/" and a sign-in without `next` lead. */
export const HOME = "/keys";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** Current path plus query, e.g. `/sign-in?next=%2Fusage`. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot, () => "/");
  const url = new URL(href, "http://local");
  return { pathname: url.pathname.replace(/\/+$/, "") || "/", search: url.searchParams };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(EVENT));
}

/** Only same-app paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : HOME;
}
