export { SERVICE_IDS, isServiceId, serviceIdSchema, type ServiceId, type StringServiceId } from "../shared/service-ids.js";
export {
  getService,
  listServices,
  publicCatalog,
  publicServiceSchema,
  type AwsEnvVars,
  type AwsServiceDefinition,
  type ConfigField,
  type PublicService,
  type ServiceDefinition,
  type ServiceDefinitionFor,
  type StringServiceDefinition,
} from "./catalog.js";
export {
  normalizeKeyValue,
  MAX_AWS_SESSION_TOKEN_LENGTH,
  MAX_CUSTOM_KEY_LENGTH,
  MAX_PREFIXED_KEY_LENGTH,
  MIN_PREFIXED_KEY_LENGTH,
  type AwsCredentialValue,
  type KeyValue,
} from "./key-format.js";
export {
  normalizeServiceConfig,
  configSchemaFor,
  awsConfigSchema,
  customConfigSchema,
  emptyConfigSchema,
  isAwsRegion,
  DEFAULT_AWS_REGION,
  DEFAULT_CUSTOM_HEADER_NAME,
  DEFAULT_CUSTOM_HEADER_PREFIX,
  type AwsConfig,
  type CustomConfig,
  type EmptyConfig,
  type ServiceConfig,
  type ServiceConfigMap,
  type ServiceConfigOptions,
} from "./service-config.js";
export { maskKeyValue, MIN_LENGTH_TO_REVEAL_TAIL } from "./masking.js";
export { authHeadersFor, baseUrlFor, ANTHROPIC_VERSION, type BaseUrlOverrides } from "./auth-headers.js";
export { findService, indexProviders, PROVIDERS } from "./registry.js";
export { STS_GET_CALLER_IDENTITY_BODY } from "./providers/aws.js";
export type {
  AwsProviderDefinition,
  ConfigSchema,
  KeyTestSpec,
  ProviderDefinition,
  StringProviderDefinition,
  TestRequest,
} from "./provider-definition.js";
