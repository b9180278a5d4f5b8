import { useMutation, useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { useKeyhaven } from "./provider.js";
import { keyhavenQueryKeys } from "./query-keys.js";
import { isUsableKey } from "./key-usable.js";
import type { ApiKey, CreateKeyBody, ServiceId, TestKeyBody, TestResult, UpdateKeyBody } from "./types.js";

export interface UseApiKeysResult {
  /** The signed-in user's keys (never their values); `[]` until loaded. */
  apiKeys: ApiKey[];
  isLoading: boolean;
  error: Error | null;
  /** True when an active, unexpired key exists for the service. */
  hasApiKey: (service: ServiceId) => boolean;
  /** Refetches the list (and the stats that depend on it). */
  refreshApiKeys: () => Promise<void>;
  createApiKey: (body: CreateKeyBody) => Promise<ApiKey>;
  updateApiKey: (id: string, body: UpdateKeyBody) => Promise<ApiKey>;
  deleteApiKey: (id: string) => Promise<void>;
  /** A key id tests a saved key; `{ service, value, config? }` tests one before saving. */
  testApiKey: (target: string | TestKeyBody) => Promise<TestResult>;
}

/** The signed-in user's API keys, on TanStack Query; every change refreshes the list. */
export function useApiKeys(): UseApiKeysResult {
  const { client, queryClient } = useKeyhaven();
  const listKey = keyhavenQueryKeys.apiKeys(client.baseUrl);

  // Use counts change server-side as applications fetch keys: refetch whenever a page
  // that shows the list mounts, rather than trusting a cache a few seconds old.
  const query = useQuery({ queryKey: listKey, queryFn: () => client.listApiKeys(), staleTime: 0 }, queryClient);

  const invalidate = useCallback(async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.apiKeys(client.baseUrl) }),
      queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.stats(client.baseUrl) }),
    ]);
  }, [queryClient, client]);

  // Put the server's answer in the cache at once, so the list reflects it before the refetch lands.
  const patchList = useCallback(
    (change: (keys: ApiKey[]) => ApiKey[]) => {
      queryClient.setQueryData<ApiKey[]>(keyhavenQueryKeys.apiKeys(client.baseUrl), (keys) => (keys ? change(keys) : keys));
    },
    [queryClient, client],
  );

  const create = useMutation(
    {
      mutationFn: (body: CreateKeyBody) => client.createApiKey(body),
      onSuccess: (key) => patchList((keys) => [key, ...keys.filter((k) => k.id !== key.id)]),
      onSettled: invalidate,
    },
    queryClient,
  );
  const update = useMutation(
    {
      mutationFn: ({ id, body }: { id: string; body: UpdateKeyBody }) => client.updateApiKey(id, body),
      onSuccess: (key) => patchList((keys) => keys.map((k) => (k.id === key.id ? key : k))),
      onSettled: invalidate,
    },
    queryClient,
  );
  const remove = useMutation(
    {
      mutationFn: (id: string) => client.deleteApiKey(id),
      onSuccess: (_, id) => patchList((keys) => keys.filter((k) => k.id !== id)),
      onSettled: invalidate,
    },
    queryClient,
  );
  const test = useMutation(
    {
      mutationFn: (body: TestKeyBody) => client.testApiKey(body),
      // Testing a saved key records lastTestedAt / lastTestStatus on it.
      onSettled: (_result, _error, body) => ("keyId" in body ? invalidate() : undefined),
    },
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

  const { mutateAsync: createAsync } = create;
  const { mutateAsync: updateAsync } = update;
  const { mutateAsync: removeAsync } = remove;
  const { mutateAsync: testAsync } = test;

  return useMemo(
    () => ({
      apiKeys: apiKeys ?? [],
      isLoading: query.isLoading,
      error: query.error,
      hasApiKey,
      refreshApiKeys,
      createApiKey: (body: CreateKeyBody) => createAsync(body),
      updateApiKey: (id: string, body: UpdateKeyBody) => updateAsync({ id, body }),
      deleteApiKey: (id: string) => removeAsync(id),
      testApiKey: (target: string | TestKeyBody) => testAsync(typeof target === "string" ? { keyId: target } : target),
    }),
    [apiKeys, query.isLoading, query.error, hasApiKey, refreshApiKeys, createAsync, updateAsync, removeAsync, testAsync],
  );
}
