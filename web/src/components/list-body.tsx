import type { ReactNode } from "react";
import { ErrorState } from "./error-state";
import { LoadingState } from "./loading-state";

interface ListQuery<T> {
  data?: T[];
  isLoading: boolean;
  error: unknown;
  refetch: () => unknown;
}

interface Props<T> {
  query: ListQuery<T>;
  loadingLabel: string;
  errorTitle: string;
  /** Shown when the list loaded and is empty. */
  empty: ReactNode;
  children: (list: T[]) => ReactNode;
}

/**
 * A list page's body: loading, the error with Retry (only while nothing loaded yet: a failed
 * refetch keeps the list on screen), the empty state, or the list.
 */
export function ListBody<T>({ query, loadingLabel, errorTitle, empty, children }: Props<T>) {
  const list = query.data ?? [];
  if (query.isLoading) return <LoadingState label={loadingLabel} />;
  if (query.error && list.length === 0) return <ErrorState title={errorTitle} error={query.error} onRetry={() => void query.refetch()} />;
  if (list.length === 0) return <>{empty}</>;
  return <>{children(list)}</>;
}
