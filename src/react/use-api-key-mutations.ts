/**
 * One hook per change to the key list, each TanStack's `useMutation` result (`mutateAsync`,
 * `isPending`, `error`…). Each patches the cached list with the server's answer and refetches
 * the list and the stats; none subscribes to the list, so a component that only changes keys
 * does not fetch them.
 */
import { useMutation, type UseMutationResult } from "@tanstack/react-query";
import { useApiKeyCache } from "./api-key-cache.js";
import { useKeyhaven } from "./provider.js";
import type { ApiKey, CreateKeyBody, TestKeyBody, TestResult, UpdateKeyBody } from "./types.js";

export interface UpdateApiKeyVariables {
  id: string;
  body: UpdateKeyBody;
}

/** A saved key's id, or `{ keyId }`; or `{ service, value, config? }` for a key not saved yet. */
export type TestApiKeyTarget = string | TestKeyBody;

export function useCreateApiKey(): UseMutationResult<ApiKey, Error, CreateKeyBody> {
  const { client, queryClient } = useKeyhaven();
  const { invalidate, patchList } = useApiKeyCache();
  return useMutation(
    {
      mutationFn: (body: CreateKeyBody) => client.createApiKey(body),
      onSuccess: (key) => patchList((keys) => [key, ...keys.filter((k) => k.id !== key.id)]),
      onSettled: invalidate,
    },
    queryClient,
  );
}

export function useUpdateApiKey(): UseMutationResult<ApiKey, Error, UpdateApiKeyVariables> {
  const { client, queryClient } = useKeyhaven();
  const { invalidate, patchList } = useApiKeyCache();
  return useMutation(
    {
      mutationFn: ({ id, body }: UpdateApiKeyVariables) => client.updateApiKey(id, body),
      onSuccess: (key) => patchList((keys) => keys.map((k) => (k.id === key.id ? key : k))),
      onSettled: invalidate,
    },
    queryClient,
  );
}

export function useDeleteApiKey(): UseMutationResult<void, Error, string> {
  const { client, queryClient } = useKeyhaven();
  const { invalidate, patchList } = useApiKeyCache();
  return useMutation(
    {
      mutationFn: (id: string) => client.deleteApiKey(id),
      onSuccess: (_, id) => patchList((keys) => keys.filter((k) => k.id !== id)),
      onSettled: invalidate,
    },
    queryClient,
  );
}

const testBody = (target: TestApiKeyTarget): TestKeyBody => (typeof target === "string" ? { keyId: target } : target);

export function useTestApiKey(): UseMutationResult<TestResult, Error, TestApiKeyTarget> {
  const { client, queryClient } = useKeyhaven();
  const { invalidate } = useApiKeyCache();
  return useMutation(
    {
      mutationFn: (target: TestApiKeyTarget) => client.testApiKey(testBody(target)),
      // Testing a saved key records lastTestedAt / lastTestStatus on it.
      onSettled: (_result, _error, target) => ("keyId" in testBody(target) ? invalidate() : undefined),
    },
    queryClient,
  );
}
