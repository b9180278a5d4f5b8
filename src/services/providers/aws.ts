import { AwsClient } from "aws4fetch";
import { z } from "zod";
import { AppError } from "../../platform/errors.js";
import { AWS_ACCESS_KEY_ID_PREFIXES } from "../../shared/key-shapes.js";
import { DEFAULT_AWS_REGION } from "../../shared/service-defaults.js";
import { CONFIG_OBJECT_ERROR, type AwsCredentialValue, type AwsProviderDefinition, type TestRequest } from "../provider-definition.js";

export interface AwsConfig {
  region: string;
}

/** `us-east-1`, `eu-central-2`, `ap-southeast-4`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function isAwsRegion(region: string): boolean {
  return region.length <= 32 && AWS_REGION_PATTERN.test(region);
}

export const awsConfigSchema = z.strictObject({
  region: z
    .string({ error: "must be a string such as us-east-1" })
    .trim()
    .refine(isAwsRegion, { message: "must be an AWS region such as us-east-1 or eu-central-2" })
    .default(DEFAULT_AWS_REGION),
}, CONFIG_OBJECT_ERROR);

export const STS_GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/** STS GetCallerIdentity, signed with SigV4: answers for any valid credential, needs no permission. */
async function signedStsRequest(value: AwsCredentialValue, config: Partial<AwsConfig> | undefined, base: string): Promise<TestRequest> {
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

export const aws: AwsProviderDefinition<AwsConfig> = {
  id: "aws",
  label: "AWS",
  valueKind: "aws",
  formatHint:
    'access key ID ("AKIA" or "ASIA" + 16 characters) and 40-character secret access key; temporary "ASIA" keys also need a session token',
  keyShape: { kind: "aws", accessKeyIdPrefixes: AWS_ACCESS_KEY_ID_PREFIXES },
  keyPageUrl: "https://console.aws.amazon.com/iam/home#/security_credentials",
  envVars: {
    accessKeyId: "AWS_ACCESS_KEY_ID",
    secretAccessKey: "AWS_SECRET_ACCESS_KEY",
    sessionToken: "AWS_SESSION_TOKEN",
    region: "AWS_REGION",
  },
  baseUrlEnvVar: "KEYHAVEN_AWS_BASE_URL",
  defaultBaseUrl: "https://sts.{region}.amazonaws.com",
  configFields: [
    {
      name: "region",
      label: "Region",
      required: false,
      default: DEFAULT_AWS_REGION,
      description: "AWS region such as us-east-1 or eu-central-2",
    },
  ],
  configSchema: () => awsConfigSchema,
  baseUrl(config, template) {
    if (!template) throw new AppError("INTERNAL", 'No base URL for service "aws"');
    const region = config?.region ?? DEFAULT_AWS_REGION;
    // The region lands in a hostname: re-checked so a stored value cannot redirect the request.
    if (!isAwsRegion(region)) {
      throw new AppError("VALIDATION_ERROR", "Invalid AWS region", {
        details: [{ path: "config.region", message: "must be an AWS region such as us-east-1" }],
      });
    }
    return template.replaceAll("{region}", region);
  },
  authHeaders() {
    throw new AppError("INTERNAL", "AWS requests are signed with SigV4, not sent with a static auth header");
  },
  keyTest: { kind: "signed", build: signedStsRequest },
};
