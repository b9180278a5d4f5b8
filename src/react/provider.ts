import { QueryClient, QueryClientProvider, type QueryClientConfig } from "@tanstack/react-query";
import { createContext, createElement, useContext, useMemo, useState, type ReactNode } from "react";
import { ApiError } from "./api-error.js";
import { createKeyhavenClient, type KeyhavenClient } from "./client.js";

export interface KeyhavenContextValue {
  client: KeyhavenClient;
  queryClient: QueryClient;
}

const KeyhavenContext = createContext<KeyhavenContextValue | null>(null);

/** Client errors (4xx) will not change on a retry; only network failures and 5xx get one more try. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

/** A QueryClient with Keyhaven's defaults (no retry on 4xx, 10 s freshness); `config` adds to them. */
export function createKeyhavenQueryClient(config: QueryClientConfig = {}): QueryClient {
  return new QueryClient({
    ...config,
    defaultOptions: {
      ...config.defaultOptions,
      queries: { retry: shouldRetry, staleTime: 10_000, ...config.defaultOptions?.queries },
      mutations: { retry: false, ...config.defaultOptions?.mutations },
    },
  });
}

export interface KeyhavenProviderProps {
  /** Origin of the Keyhaven server; omit for same origin. */
  baseUrl?: string;
  /** A ready client (custom fetch, credentials); wins over `baseUrl`. */
  client?: KeyhavenClient;
  /** Reuse your app's QueryClient; otherwise Keyhaven makes its own. */
  queryClient?: QueryClient;
  children?: ReactNode;
}

/** Gives `useApiKeys()` its client and a TanStack QueryClient. */
export function KeyhavenProvider({ baseUrl, client, queryClient, children }: KeyhavenProviderProps) {
  const [ownQueryClient] = useState(() => queryClient ?? createKeyhavenQueryClient());
  const resolvedClient = useMemo(() => client ?? createKeyhavenClient({ baseUrl }), [client, baseUrl]);
  const resolvedQueryClient = queryClient ?? ownQueryClient;
  const value = useMemo<KeyhavenContextValue>(
    () => ({ client: resolvedClient, queryClient: resolvedQueryClient }),
    [resolvedClient, resolvedQueryClient],
  );
  return createElement(
    KeyhavenContext.Provider,
    { value },
    createElement(QueryClientProvider, { client: value.queryClient }, children),
  );
}

export function useKeyhaven(): KeyhavenContextValue {
  const value = useContext(KeyhavenContext);
  if (!value) throw new Error("Keyhaven hooks must be used inside <KeyhavenProvider>");
  return value;
}

export function useKeyhavenClient(): KeyhavenClient {
  return useKeyhaven().client;
}
