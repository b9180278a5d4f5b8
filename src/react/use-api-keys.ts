import { useMemo } from "react";
import { useApiKeyList, type UseApiKeyListResult } from "./use-api-key-list.js";
import { useCreateApiKey, useDeleteApiKey, useTestApiKey, useUpdateApiKey, type TestApiKeyTarget } from "./use-api-key-mutations.js";
import type { ApiKey, CreateKeyBody, TestResult, UpdateKeyBody } from "./types.js";

export interface UseApiKeysResult extends UseApiKeyListResult {
  createApiKey: (body: CreateKeyBody) => Promise<ApiKey>;
  updateApiKey: (id: string, body: UpdateKeyBody) => Promise<ApiKey>;
  deleteApiKey: (id: string) => Promise<void>;
  /** A key id tests a saved key; `{ service, value, config? }` tests one before saving. */
  testApiKey: (target: TestApiKeyTarget) => Promise<TestResult>;
}

/** The signed-in user's API keys and every change to them, on TanStack Query: useApiKeyList plus the mutation hooks. */
export function useApiKeys(): UseApiKeysResult {
  const list = useApiKeyList();
  // mutateAsync is stable for the life of each hook, so the result below changes only with the list.
  const { mutateAsync: createAsync } = useCreateApiKey();
  const { mutateAsync: updateAsync } = useUpdateApiKey();
  const { mutateAsync: removeAsync } = useDeleteApiKey();
  const { mutateAsync: testAsync } = useTestApiKey();

  return useMemo(
    () => ({
      ...list,
      createApiKey: (body: CreateKeyBody) => createAsync(body),
      updateApiKey: (id: string, body: UpdateKeyBody) => updateAsync({ id, body }),
      deleteApiKey: (id: string) => removeAsync(id),
      testApiKey: (target: TestApiKeyTarget) => testAsync(target),
    }),
    [list, createAsync, updateAsync, removeAsync, testAsync],
  );
}
