import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { useApiKeyCache } from "./api-key-cache.js";
import { isUsableKey } from "./key-usable.js";
import { useKeyhaven } from "./provider.js";
import { keyhavenQueryKeys } from "./query-keys.js";
import type { ApiKey, ServiceId } from "./types.js";

export interface UseApiKeyListResult {
  /** The signed-in user's keys (never their values); `[]` until loaded. */
  apiKeys: ApiKey[];
  isLoading: boolean;
  error: Error | null;
  /** True when an active, unexpired key exists for the service. */
  hasApiKey: (service: ServiceId) => boolean;
  /** Refetches the list (and the stats that depend on it). */
  refreshApiKeys: () => Promise<void>;
}

/** The signed-in user's API keys, every page of them; no mutations (see useCreateApiKey and friends). */
export function useApiKeyList(): UseApiKeyListResult {
  const { client, queryClient } = useKeyhaven();
  const { invalidate } = useApiKeyCache();

  // Use counts change server-side as applications fetch keys: refetch whenever a page
  // that shows the list mounts, rather than trusting a cache a few seconds old.
  const query = useQuery(
    { queryKey: keyhavenQueryKeys.apiKeys(client.baseUrl), queryFn: () => client.listApiKeys(), staleTime: 0 },
    queryClient,
  );

  const apiKeys = query.data;
  const hasApiKey = useCallback(
    (service: ServiceId) => (apiKeys ?? []).some((k) => k.service === service && isUsableKey(k)),
    [apiKeys],
  );
  const refreshApiKeys = useCallback(async () => {
    await invalidate();
  }, [invalidate]);

  return useMemo(
    () => ({ apiKeys: apiKeys ?? [], isLoading: query.isLoading, error: query.error, hasApiKey, refreshApiKeys }),
    [apiKeys, query.isLoading, query.error, hasApiKey, refreshApiKeys],
  );
}
