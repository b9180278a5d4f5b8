/**
 * One hook per change to the key list, each TanStack's `useMutation` result (`mutateAsync`,
 * `isPending`, `error`…). Each patches the cached list with the server's answer and refetches
 * the list and the stats; none subscribes to the list, so a component that only changes keys
 * does not fetch them.
 */
import { useMutation, type UseMutationResult } from "@tanstack/react-query";
import { useApiKeyCache } from "./api-key-cache.js";
import type { KeyhavenClient } from "./client.js";
import { useKeyhaven } from "./provider.js";
import type { ApiKey, CreateKeyBody, RotateKeyBody, TestKeyBody, TestResult, UpdateKeyBody } from "./types.js";

export interface UpdateApiKeyVariables {
  id: string;
  body: UpdateKeyBody;
}

/** A saved key's id, or `{ keyId }`; or `{ service, value, config? }` for a key not saved yet. */
export type TestApiKeyTarget = string | TestKeyBody;

/** A change to the key list: the server's answer patches the cached list, then list and stats refetch. */
function useListChange<T, V>(
  call: (client: KeyhavenClient, variables: V) => Promise<T>,
  patch: (keys: ApiKey[], answer: T, variables: V) => ApiKey[],
): UseMutationResult<T, Error, V> {
  const { client, queryClient } = useKeyhaven();
  const { invalidate, patchList } = useApiKeyCache();
  return useMutation(
    {
      mutationFn: (variables: V) => call(client, variables),
      onSuccess: (answer, variables) => patchList((keys) => patch(keys, answer, variables)),
      onSettled: invalidate,
    },
    queryClient,
  );
}

export function useCreateApiKey(): UseMutationResult<ApiKey, Error, CreateKeyBody> {
  return useListChange(
    (client, body: CreateKeyBody) => client.createApiKey(body),
    (keys, key) => [key, ...keys.filter((k) => k.id !== key.id)],
  );
}

export function useUpdateApiKey(): UseMutationResult<ApiKey, Error, UpdateApiKeyVariables> {
  return useListChange(
    (client, { id, body }: UpdateApiKeyVariables) => client.updateApiKey(id, body),
    (keys, key) => keys.map((k) => (k.id === key.id ? key : k)),
  );
}

export interface RotateApiKeyVariables {
  id: string;
  body: RotateKeyBody;
}

export interface RollbackApiKeyVariables {
  id: string;
  version: number;
}

const replaceKey = (keys: ApiKey[], key: ApiKey) => keys.map((k) => (k.id === key.id ? key : k));

/** A new value: `{ value }` (tested first; an invalid one is refused) or `{ automatic: true }`. */
export function useRotateApiKey(): UseMutationResult<ApiKey, Error, RotateApiKeyVariables> {
  return useListChange((client, { id, body }: RotateApiKeyVariables) => client.rotateApiKey(id, body), replaceKey);
}

/** A previous value made current again, as a new version. */
export function useRollbackApiKey(): UseMutationResult<ApiKey, Error, RollbackApiKeyVariables> {
  return useListChange((client, { id, version }: RollbackApiKeyVariables) => client.rollbackApiKey(id, version), replaceKey);
}

export function useDeleteApiKey(): UseMutationResult<void, Error, string> {
  return useListChange(
    (client, id: string) => client.deleteApiKey(id),
    (keys, _, id) => keys.filter((k) => k.id !== id),
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
