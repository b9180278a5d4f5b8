/**
 * The few AWS calls an access-key rotation makes, signed with SigV4 (aws4fetch): IAM
 * CreateAccessKey, UpdateAccessKey and DeleteAccessKey (Query API, XML answers), and STS
 * GetCallerIdentity to prove a pair works. IAM is a global service: always signed for
 * us-east-1. Errors carry AWS's error code and HTTP status only — never AWS's message text,
 * which may quote what was sent.
 */
import { AwsClient } from "aws4fetch";
import { buildTestRequest } from "../key-test/test-request.js";
import type { AwsCredentialValue } from "../services/provider-definition.js";
import { DEFAULT_AWS_REGION } from "../shared/service-defaults.js";

export const DEFAULT_IAM_BASE_URL = "https://iam.amazonaws.com";
const IAM_VERSION = "2010-05-08";
const IAM_REGION = "us-east-1";
const REQUEST_TIMEOUT_MS = 15_000;

/** An AWS call that did not succeed: AWS's error code (or ours for a network failure) and status. */
export class AwsCallError extends Error {
  constructor(
    readonly code: string,
    readonly status: number | null,
  ) {
    super(status === null ? `AWS could not be reached (${code})` : `AWS answered ${status} ${code}`);
    this.name = "AwsCallError";
  }
}

export interface AwsIamClientOptions {
  /** KEYHAVEN_AWS_IAM_BASE_URL, else AWS's global IAM endpoint. */
  iamBaseUrl?: string;
  /** KEYHAVEN_AWS_BASE_URL (config.baseUrlOverrides.aws), else STS of the key's region. */
  stsBaseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  userName: string | null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of the first `<name>` element, entities decoded; enough for AWS's flat answers. */
export function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m?.[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]).trim();
}

/** AWS's error code from an error answer (`<Error><Code>…`), when it has one that looks like one. */
function errorCode(xml: string): string | undefined {
  const code = xmlField(xml, "Code");
  return code && /^[A-Za-z0-9.]{1,64}$/.test(code) ? code : undefined;
}

export function createAwsIamClient(opts: AwsIamClientOptions = {}) {
  const iamBase = (opts.iamBaseUrl ?? DEFAULT_IAM_BASE_URL).replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;

  async function send(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<string> {
    let res: Response;
    try {
      // Never follow a redirect: a signed request goes only where it was signed for.
      res = await doFetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new AwsCallError(err instanceof Error && err.name === "TimeoutError" ? "Timeout" : "NetworkError", null);
    }
    const text = await res.text().catch(() => "");
    if (res.status !== 200) throw new AwsCallError(errorCode(text) ?? "UnknownError", res.status);
    return text;
  }

  /** One IAM Query API call signed with `creds`; the answer's XML. */
  async function iam(creds: AwsCredentialValue, params: Record<string, string>): Promise<string> {
    const client = new AwsClient({ ...creds, region: IAM_REGION, service: "iam", retries: 0 });
    const body = new URLSearchParams({ ...params, Version: IAM_VERSION }).toString();
    const signed = await client.sign(`${iamBase}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", "user-agent": "keyhaven-rotation" },
      body,
    });
    return send(signed.url, { method: "POST", headers: Object.fromEntries(signed.headers), body });
  }

  return {
    /** IAM CreateAccessKey for the calling user (no UserName: the user whose key signs). */
    async createAccessKey(creds: AwsCredentialValue): Promise<NewAccessKey> {
      const xml = await iam(creds, { Action: "CreateAccessKey" });
      const accessKeyId = xmlField(xml, "AccessKeyId");
      const secretAccessKey = xmlField(xml, "SecretAccessKey");
      if (!accessKeyId || !/^AKIA[A-Z0-9]{16}$/.test(accessKeyId) || !secretAccessKey || secretAccessKey.length !== 40) {
        throw new AwsCallError("MalformedCreateAccessKeyAnswer", 200);
      }
      return { accessKeyId, secretAccessKey, userName: xmlField(xml, "UserName") ?? null };
    },

    async updateAccessKey(creds: AwsCredentialValue, accessKeyId: string, status: "Active" | "Inactive"): Promise<void> {
      await iam(creds, { Action: "UpdateAccessKey", AccessKeyId: accessKeyId, Status: status });
    },

    async deleteAccessKey(creds: AwsCredentialValue, accessKeyId: string): Promise<void> {
      await iam(creds, { Action: "DeleteAccessKey", AccessKeyId: accessKeyId });
    },

    /** STS GetCallerIdentity signed with `creds`, as the key tester sends it; the caller's ARN. */
    async getCallerIdentity(creds: AwsCredentialValue, region: string | undefined): Promise<{ arn: string | null }> {
      const overrides = opts.stsBaseUrl ? { aws: opts.stsBaseUrl } : {};
      const req = await buildTestRequest("aws", creds, { region: region ?? DEFAULT_AWS_REGION }, overrides);
      const xml = await send(req.url.toString(), { method: req.method, headers: req.headers, body: req.body ?? "" });
      return { arn: xmlField(xml, "Arn") ?? null };
    },
  };
}

export type AwsIamClient = ReturnType<typeof createAwsIamClient>;
