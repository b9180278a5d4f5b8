import { AwsClient } from "aws4fetch";
import {
  authHeadersFor,
  baseUrlFor,
  DEFAULT_AWS_REGION,
  type AwsConfig,
  type AwsCredentialValue,
  type BaseUrlOverrides,
  type KeyValue,
  type ServiceConfig,
  type ServiceId,
  type StringServiceId,
} from "../services/index.js";

/** The cheapest request that proves a key works, described, not yet sent. */
export interface TestRequest {
  url: URL;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

export const STS_GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

const COMMON_HEADERS = { accept: "application/json", "user-agent": "keyhaven-key-test" };

async function signedStsRequest(value: AwsCredentialValue, config: AwsConfig | undefined, base: string): Promise<TestRequest> {
  const client = new AwsClient({
    accessKeyId: value.accessKeyId,
    secretAccessKey: value.secretAccessKey,
    sessionToken: value.sessionToken,
    region: config?.region ?? DEFAULT_AWS_REGION,
    service: "sts",
    retries: 0,
  });
  const url = new URL(`${base}/`);
  const signed = await client.sign(url.toString(), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", "user-agent": "keyhaven-key-test" },
    body: STS_GET_CALLER_IDENTITY_BODY,
  });
  return { url, method: "POST", headers: Object.fromEntries(signed.headers), body: STS_GET_CALLER_IDENTITY_BODY };
}

/**
 * The test request of DESIGN.md's table: `GET {base}/models` with the service's auth headers,
 * or for aws STS GetCallerIdentity signed with SigV4. `value` and `config` are normalized.
 */
export async function buildTestRequest(
  service: ServiceId,
  value: KeyValue,
  config: ServiceConfig | undefined,
  overrides: BaseUrlOverrides = {},
): Promise<TestRequest> {
  const base = baseUrlFor(service, config, overrides);
  if (service === "aws") {
    return signedStsRequest(value as AwsCredentialValue, config as AwsConfig | undefined, base);
  }
  const auth = authHeadersFor(service, value as string, config as ServiceConfig<StringServiceId>);
  // A custom header name may be `Accept` or `User-Agent`: the key's header wins, never both.
  const authNames = new Set(Object.keys(auth).map((name) => name.toLowerCase()));
  const common = Object.entries(COMMON_HEADERS).filter(([name]) => !authNames.has(name));
  return { url: new URL(`${base}/models`), method: "GET", headers: { ...Object.fromEntries(common), ...auth } };
}
