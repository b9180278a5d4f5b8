/** `keyhaven/react`: the useApiKeys hook (and the smaller hooks it is made of), its provider and the typed client. */
export { useApiKeys, type UseApiKeysResult } from "./use-api-keys.js";
export { useApiKeyList, type UseApiKeyListResult } from "./use-api-key-list.js";
export {
  useCreateApiKey,
  useDeleteApiKey,
  useRollbackApiKey,
  useRotateApiKey,
  useTestApiKey,
  useUpdateApiKey,
  type RollbackApiKeyVariables,
  type RotateApiKeyVariables,
  type TestApiKeyTarget,
  type UpdateApiKeyVariables,
} from "./use-api-key-mutations.js";
export {
  KeyhavenProvider,
  createKeyhavenQueryClient,
  useKeyhaven,
  useKeyhavenClient,
  type KeyhavenContextValue,
  type KeyhavenProviderProps,
} from "./provider.js";
export {
  createKeyhavenClient,
  type KeyhavenClient,
  type KeyhavenClientOptions,
  type SignInBody,
  type SignUpBody,
} from "./client.js";
export { ApiError, errorMessage, parseRetryAfter, type ApiErrorDetail } from "./api-error.js";
export { keyhavenQueryKeys } from "./query-keys.js";
export { isUsableKey } from "./key-usable.js";
export type * from "./types.js";
