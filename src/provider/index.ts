export {
  createApiKeyProvider,
  type ApiKeyProvider,
  type ApiKeyProviderDeps,
  type AWSCredentials,
  type KeySource,
  type RequiredKeysCheck,
  type ServiceConfig,
  type ServiceId,
  type StringServiceId,
} from "./api-key-provider.js";
