export {
  createKeyTester,
  DEFAULT_KEY_TEST_TIMEOUT_MS,
  type KeyTester,
  type KeyTesterOptions,
  type KeyTestResult,
} from "./key-tester.js";
export { buildTestRequest, STS_GET_CALLER_IDENTITY_BODY, type TestRequest } from "./test-request.js";
export {
  outcomeForFailure,
  outcomeForResponse,
  providerMessage,
  redactSecrets,
  MAX_PROVIDER_MESSAGE_LENGTH,
  MAX_PARSED_BODY_BYTES,
  type KeyTestOutcome,
  type KeyTestStatus,
} from "./outcome.js";
export {
  guardedFetch,
  DEFAULT_MAX_BODY_BYTES,
  type GuardedFetchOptions,
  type GuardedRequest,
  type GuardedResponse,
} from "./guarded-fetch.js";
export {
  assertPublicEndpoint,
  classifyAddress,
  endpointHostname,
  resolvePublicEndpoint,
  systemLookup,
  type BlockedAddressKind,
  type EndpointGuardOptions,
  type LookupFn,
  type ResolvedAddress,
} from "./ssrf-guard.js";
