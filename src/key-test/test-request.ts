import {
  authHeadersFor,
  baseUrlFor,
  getService,
  type BaseUrlOverrides,
  type KeyValue,
  type ServiceConfig,
  type ServiceId,
  type TestRequest,
} from "../services/index.js";

export { STS_GET_CALLER_IDENTITY_BODY, type TestRequest } from "../services/index.js";

const COMMON_HEADERS = { accept: "application/json", "user-agent": "keyhaven-key-test" };

/**
 * The request the service's provider declares for a key test: `GET {base}{path}` with the
 * service's auth headers, or a request the provider builds itself (aws: STS GetCallerIdentity
 * signed with SigV4). `value` and `config` are normalized.
 */
export async function buildTestRequest(
  service: ServiceId,
  value: KeyValue,
  config: ServiceConfig | undefined,
  overrides: BaseUrlOverrides = {},
): Promise<TestRequest> {
  const base = baseUrlFor(service, config, overrides);
  const spec = getService(service).keyTest;
  if (spec.kind === "signed") {
    // The provider's value and config types: normalized for this service by the caller.
    return (spec.build as (value: KeyValue, config: unknown, base: string) => Promise<TestRequest>)(value, config, base);
  }
  const auth = authHeadersFor(service, value as string, config);
  // A custom header name may be `Accept` or `User-Agent`: the key's header wins, never both.
  const authNames = new Set(Object.keys(auth).map((name) => name.toLowerCase()));
  const common = Object.entries(COMMON_HEADERS).filter(([name]) => !authNames.has(name));
  return { url: new URL(`${base}${spec.path}`), method: "GET", headers: { ...Object.fromEntries(common), ...auth } };
}
