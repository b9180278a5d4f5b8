/**
 * A fake AI provider on 127.0.0.1 for key tests (unit, REST and browser). Each built-in
 * service lives under its own path prefix, so a test points the base URL overrides at it:
 * `{ openai: fake.url + "/openai", … }` (see `fakeBaseUrlOverrides`). It insists on the exact
 * auth each service must send and answers 400 `{"error":"wrong auth"}` otherwise; with the
 * right auth it answers by the key's content (see `FakeOutcome` and `fakeKey`).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { listenOnLoopback } from "./loopback-server.js";
import type { FakeIam } from "./fake-iam.js";

export type FakeOutcome = "valid" | "invalid" | "ratelimited" | "servererror" | "hang" | "redirect";
export const FAKE_OUTCOMES: readonly FakeOutcome[] = ["valid", "invalid", "ratelimited", "servererror", "hang", "redirect"];

export type FakeService = "openai" | "anthropic" | "google" | "groq" | "xai" | "aws" | "custom";

/** The only secret access key the fake's STS accepts a signature from (AWS's documented example). */
export const FAKE_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const FAKE_AWS_SESSION_TOKEN = "FwoGZXIvYXdzEFAKESESSIONTOKENforKeyhavenTests0123456789";
export const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";
export const REDIRECT_TARGET = "http://169.254.169.254/latest/meta-data";
/** `/custom-header/models` wants the key in this header, after this prefix. */
export const FAKE_CUSTOM_HEADER_NAME = "x-custom-auth";
export const FAKE_CUSTOM_HEADER_PREFIX = "Token ";

export interface AwsFakeKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A key of the right format for `service` that makes the fake answer with `outcome`. */
export function fakeKey(service: "aws", outcome: FakeOutcome, opts?: { temporary?: boolean }): AwsFakeKey;
export function fakeKey(service: Exclude<FakeService, "aws">, outcome: FakeOutcome): string;
export function fakeKey(service: FakeService, outcome: FakeOutcome, opts?: { temporary?: boolean }): string | AwsFakeKey;
export function fakeKey(service: FakeService, outcome: FakeOutcome, opts: { temporary?: boolean } = {}): string | AwsFakeKey {
  switch (service) {
    case "openai":
      return `sk-test-${outcome}-0123456789abcdef`;
    case "anthropic":
      return `sk-ant-test-${outcome}-0123456789abcdef`;
    case "google":
      return `AIza${`test_${outcome}_`.padEnd(35, "0")}`;
    case "groq":
      return `gsk_test_${outcome}_0123456789abcdef`;
    case "xai":
      return `xai-test-${outcome}-0123456789abcdef`;
    case "custom":
      return `custom-test-${outcome}-0123456789abcdef`;
    case "aws": {
      const accessKeyId = `${opts.temporary ? "ASIA" : "AKIA"}${outcome.toUpperCase().padEnd(16, "0")}`;
      return opts.temporary
        ? { accessKeyId, secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY, sessionToken: FAKE_AWS_SESSION_TOKEN }
        : { accessKeyId, secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY };
    }
  }
}

export interface FakeProviderRequest {
  method: string;
  /** Path with the query string, as received. */
  path: string;
  /** Lower-case names, as Node parses them. */
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Why the fake answered `wrong auth`, if it did. */
  wrongAuth?: string;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  requests: FakeProviderRequest[];
  close(): Promise<void>;
}

/** `KEYHAVEN_<SERVICE>_BASE_URL` values for every built-in service, pointing at the fake. */
export function fakeBaseUrlOverrides(url: string): Record<Exclude<FakeService, "custom">, string> {
  return {
    openai: `${url}/openai`,
    anthropic: `${url}/anthropic`,
    google: `${url}/google`,
    groq: `${url}/groq`,
    xai: `${url}/xai`,
    aws: `${url}/aws`,
  };
}

function outcomeOf(key: string): FakeOutcome {
  const k = key.toLowerCase();
  // "invalid" contains "valid": checked first.
  for (const outcome of ["invalid", "ratelimited", "servererror", "hang", "redirect", "valid"] as const) {
    if (k.includes(outcome)) return outcome;
  }
  return "invalid";
}

class WrongAuth extends Error {}

function one(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function requireNo(headers: http.IncomingHttpHeaders, ...names: string[]): void {
  for (const name of names) if (headers[name] !== undefined) throw new WrongAuth(`unexpected ${name} header`);
}

function requireNoQuery(url: URL): void {
  if (url.search) throw new WrongAuth("unexpected query string (a key in the URL?)");
}

/** Checks the auth of a `GET …/models` for `service` and returns the key it carries. */
function keyFromModelsRequest(service: string, headers: http.IncomingHttpHeaders, url: URL): string {
  requireNoQuery(url);
  const bearer = (): string => {
    const m = /^Bearer (\S+)$/.exec(one(headers, "authorization") ?? "");
    if (!m) throw new WrongAuth("expected Authorization: Bearer <key>");
    return m[1];
  };
  switch (service) {
    case "openai":
    case "groq":
    case "xai":
    case "custom":
      requireNo(headers, "x-api-key", "x-goog-api-key");
      return bearer();
    case "anthropic": {
      requireNo(headers, "authorization", "x-goog-api-key");
      if (one(headers, "anthropic-version") !== "2023-06-01") throw new WrongAuth("expected anthropic-version: 2023-06-01");
      const key = one(headers, "x-api-key");
      if (!key) throw new WrongAuth("expected x-api-key");
      return key;
    }
    case "google": {
      requireNo(headers, "authorization", "x-api-key");
      const key = one(headers, "x-goog-api-key");
      if (!key) throw new WrongAuth("expected x-goog-api-key");
      return key;
    }
    case "custom-header": {
      requireNo(headers, "authorization");
      const value = one(headers, FAKE_CUSTOM_HEADER_NAME) ?? "";
      if (!value.startsWith(FAKE_CUSTOM_HEADER_PREFIX)) {
        throw new WrongAuth(`expected ${FAKE_CUSTOM_HEADER_NAME}: ${FAKE_CUSTOM_HEADER_PREFIX}<key>`);
      }
      return value.slice(FAKE_CUSTOM_HEADER_PREFIX.length);
    }
    default:
      throw new Error(`no such service ${service}`);
  }
}

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=((?:AKIA|ASIA)[A-Z0-9]{16})\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Checks an STS GetCallerIdentity request the way STS would: SigV4 structure, then the
 * signature itself, recomputed independently with the key's secret (`FAKE_AWS_SECRET_ACCESS_KEY`
 * unless the fake IAM made the key). Returns the access key id, or `{ mismatch }` when the
 * request is well formed but signed with another secret.
 */
function checkSts(
  req: http.IncomingMessage,
  url: URL,
  body: string,
  secretOf: (accessKeyId: string) => string = () => FAKE_AWS_SECRET_ACCESS_KEY,
): { accessKeyId: string; mismatch: boolean } {
  const { headers } = req;
  if (req.method !== "POST") throw new WrongAuth("STS wants POST");
  requireNoQuery(url);
  if (!(one(headers, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    throw new WrongAuth("expected content-type application/x-www-form-urlencoded");
  }
  if (body !== STS_BODY) throw new WrongAuth("expected the GetCallerIdentity form body");
  const m = AUTH_PATTERN.exec(one(headers, "authorization") ?? "");
  if (!m) throw new WrongAuth("expected Authorization: AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/sts/aws4_request, ...");
  const [, accessKeyId, date, region, signedHeaderList, signature] = m;
  const amzDate = one(headers, "x-amz-date") ?? "";
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) throw new WrongAuth("expected x-amz-date matching the credential date");
  const signed = signedHeaderList.split(";");
  if (!signed.includes("host") || !signed.includes("x-amz-date")) throw new WrongAuth("host and x-amz-date must be signed");
  const token = one(headers, "x-amz-security-token");
  if (accessKeyId.startsWith("ASIA") && (!token || !signed.includes("x-amz-security-token"))) {
    throw new WrongAuth("temporary credentials need a signed x-amz-security-token");
  }
  if (accessKeyId.startsWith("AKIA") && token !== undefined) throw new WrongAuth("unexpected x-amz-security-token");

  const canonicalHeaders = signed.map((name) => `${name}:${(one(headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [req.method, url.pathname, "", canonicalHeaders, signedHeaderList, sha256(body)].join("\n");
  const scope = `${date}/${region}/sts/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretOf(accessKeyId)}`, date), region), "sts"), "aws4_request");
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString("hex"));
  const mismatch = !timingSafeEqual(expected, Buffer.from(signature));
  return { accessKeyId, mismatch };
}

function stsError(status: number, code: string, message: string): [number, string, string] {
  return [
    status,
    "text/xml",
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>`,
  ];
}

/** The answer for a well-authenticated request: [status, content type, body], or null to hang. */
function answerFor(service: string, key: string, outcome: FakeOutcome): [number, string, string] | null {
  const aws = service === "aws";
  switch (outcome) {
    case "valid":
      return aws
        ? [
            200,
            "text/xml",
            `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/fake</Arn><UserId>${key}</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
          ]
        : [200, "application/json", JSON.stringify({ object: "list", data: [{ id: "fake-model", object: "model" }] })];
    case "invalid":
      // The fake echoes the key, as careless providers do: the tester must not pass it on.
      if (aws) return stsError(403, "InvalidClientTokenId", `The security token included in the request is invalid: ${key}`);
      if (service === "anthropic") {
        return [401, "application/json", JSON.stringify({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${key}` } })];
      }
      if (service === "google") {
        return [401, "application/json", JSON.stringify({ error: { code: 401, message: `API key not valid: ${key}`, status: "UNAUTHENTICATED" } })];
      }
      return [
        401,
        "application/json",
        JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", code: "invalid_api_key" } }),
      ];
    case "ratelimited":
      return aws
        ? stsError(429, "Throttling", "Rate exceeded")
        : [429, "application/json", JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_error" } })];
    case "servererror":
      return aws
        ? stsError(500, "InternalFailure", "The request processing has failed")
        : [500, "application/json", JSON.stringify({ error: { message: "The server had an error", type: "server_error" } })];
    case "redirect":
      return [302, "text/plain", "moved"];
    case "hang":
      return null;
  }
}

/** `iam`: also serve the fake IAM at `/aws-iam/`, and let STS accept the keys it made (fake-iam.ts). */
export async function startFakeProvider(opts: { iam?: FakeIam } = {}): Promise<FakeProvider> {
  const { iam } = opts;
  const requests: FakeProviderRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://fake.invalid");
      const record: FakeProviderRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(record);
      const send = (status: number, type: string, text: string, extra: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": type, ...extra });
        res.end(text);
      };

      if (iam && url.pathname === "/aws-iam/") return send(...iam.handle(req, url, body));
      const models = /^\/(openai|anthropic|google|groq|xai|custom|custom-header)\/models$/.exec(url.pathname);
      const isSts = url.pathname === "/aws/";
      if (!models && !isSts) return send(404, "application/json", JSON.stringify({ error: "not found" }));
      try {
        let service: string;
        let key: string;
        if (isSts) {
          service = "aws";
          const { accessKeyId, mismatch } = checkSts(req, url, body, (id) => iam?.secretOf(id) ?? FAKE_AWS_SECRET_ACCESS_KEY);
          if (mismatch) {
            const [s, t, b] = stsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
            return send(s, t, b);
          }
          const iamKey = iam?.stsAnswer(accessKeyId);
          if (iamKey) return send(...iamKey);
          key = accessKeyId;
        } else {
          service = models![1];
          if (req.method !== "GET") return send(405, "application/json", JSON.stringify({ error: "wrong method" }));
          key = keyFromModelsRequest(service, req.headers, url);
        }
        const outcome = outcomeOf(key);
        const answer = answerFor(service, key, outcome);
        if (answer === null) return; // hang: the socket stays open until the client gives up or close()
        const [status, type, text] = answer;
        send(status, type, text, outcome === "redirect" ? { location: REDIRECT_TARGET } : {});
      } catch (err) {
        if (!(err instanceof WrongAuth)) {
          // A bug in the fake must fail the test, not hang it.
          return send(500, "application/json", JSON.stringify({ error: `fake provider bug: ${String(err)}` }));
        }
        record.wrongAuth = err.message;
        send(400, "application/json", JSON.stringify({ error: "wrong auth" }), { "x-fake-reason": encodeURIComponent(err.message) });
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, close };
}
