import { useCallback, useMemo } from "react";
import type { ApiKey } from "./types.js";
import { useKeyhaven } from "./provider.js";
import { keyhavenQueryKeys } from "./query-keys.js";

/**
 * What the list hook and the mutation hooks do to the cached key list: a change patches it at
 * once with the server's answer, then the list and the stats (which count keys) are refetched.
 * Internal: not exported from `keyhaven/react`.
 */
export function useApiKeyCache() {
  const { client, queryClient } = useKeyhaven();
  const baseUrl = client.baseUrl;

  const invalidate = useCallback(async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.apiKeys(baseUrl) }),
      queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.stats(baseUrl) }),
    ]);
  }, [queryClient, baseUrl]);

  // Put the server's answer in the cache at once, so the list reflects it before the refetch lands.
  const patchList = useCallback(
    (change: (keys: ApiKey[]) => ApiKey[]) => {
      queryClient.setQueryData<ApiKey[]>(keyhavenQueryKeys.apiKeys(baseUrl), (keys) => (keys ? change(keys) : keys));
    },
    [queryClient, baseUrl],
  );

  return useMemo(() => ({ invalidate, patchList }), [invalidate, patchList]);
}
