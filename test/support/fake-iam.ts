/**
 * A fake AWS IAM for the rotation tests, served by the fake provider at `/aws-iam/` when it is
 * started with `startFakeProvider({ iam })`. It keeps users and their access keys (id, secret,
 * Active/Inactive) and checks every request's SigV4 signature against the secret of the access
 * key it claims, recomputed here independently of aws4fetch: an unknown, deleted or inactive
 * key is refused with InvalidClientTokenId, a wrong secret with SignatureDoesNotMatch, as AWS
 * does. At most 2 keys per user (LimitExceeded). The fake's STS accepts the keys this IAM
 * knows, by their own secrets, while they are active (`stsAnswer`). A test injects failures:
 * an error for an IAM action (`fail`), new keys refused by STS for some checks or for good
 * (`newKeysInvalidForChecks`).
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type http from "node:http";

export type FakeAnswer = [status: number, contentType: string, body: string];
export type IamAction = "CreateAccessKey" | "UpdateAccessKey" | "DeleteAccessKey";

export interface FakeIamKey {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  status: "Active" | "Inactive";
  /** STS checks this key still fails (AWS propagating a new key); Infinity: never valid. */
  invalidChecksLeft: number;
}

export interface FakeIamCall {
  action: string;
  /** The access key that signed the request (when the signature was well formed). */
  signedBy?: string;
  params: Record<string, string>;
  /** AWS's error code, when the fake refused the call. */
  error?: string;
}

export interface FakeIamError {
  status: number;
  code: string;
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const random = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

const IAM_AUTH =
  /^AWS4-HMAC-SHA256 Credential=(AKIA[A-Z0-9]{16})\/(\d{8})\/([a-z0-9-]+)\/iam\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function iamError(status: number, code: string, message: string): FakeAnswer {
  return [
    status,
    "text/xml",
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>fake-iam-request</RequestId></ErrorResponse>`,
  ];
}

const ok = (action: string, result = ""): FakeAnswer => [
  200,
  "text/xml",
  `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">${result}<ResponseMetadata><RequestId>fake-iam-request</RequestId></ResponseMetadata></${action}Response>`,
];

class Refused extends Error {
  constructor(readonly answer: FakeAnswer) {
    super(answer[2]);
  }
}

export function createFakeIam() {
  /** Every key ever made, deleted ones included (so a deleted key's signature can still be checked). */
  const keys = new Map<string, FakeIamKey & { deleted: boolean }>();
  const failures = new Map<IamAction, { error: FakeIamError; times: number }>();
  const calls: FakeIamCall[] = [];

  const state = {
    /** How many STS checks a key made by CreateAccessKey fails before it works (Infinity: never). */
    newKeysInvalidForChecks: 0,
  };

  function newKey(userName: string, invalidChecks: number): FakeIamKey & { deleted: boolean } {
    const key = {
      userName,
      accessKeyId: `AKIA${random(UPPER_DIGITS, 16)}`,
      // "/" and "+" as real secrets have them; never one AWS's example secret.
      secretAccessKey: random(SECRET_CHARS, 40),
      status: "Active" as const,
      invalidChecksLeft: invalidChecks,
      deleted: false,
    };
    keys.set(key.accessKeyId, key);
    return key;
  }

  const live = (userName: string) => [...keys.values()].filter((k) => k.userName === userName && !k.deleted);

  /** Checks the request's SigV4 signature against the claimed key's secret: the signing key, or a refusal. */
  function verify(req: http.IncomingMessage, url: URL, body: string): FakeIamKey & { deleted: boolean } {
    const { headers } = req;
    if (req.method !== "POST") throw new Refused(iamError(405, "InvalidAction", "IAM Query API calls are POSTed here"));
    if (url.search) throw new Refused(iamError(400, "InvalidParameterValue", "parameters belong in the form body"));
    if (!(header(headers, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
      throw new Refused(iamError(400, "InvalidParameterValue", "expected a form body"));
    }
    const m = IAM_AUTH.exec(header(headers, "authorization") ?? "");
    if (!m) throw new Refused(iamError(403, "IncompleteSignature", "expected an AWS4-HMAC-SHA256 signature for iam"));
    const [, accessKeyId, date, region, signedHeaderList, signature] = m;
    if (region !== "us-east-1") throw new Refused(iamError(403, "SignatureDoesNotMatch", `IAM is signed for us-east-1, not ${region}`));
    const amzDate = header(headers, "x-amz-date") ?? "";
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) {
      throw new Refused(iamError(403, "IncompleteSignature", "x-amz-date must match the credential date"));
    }
    const signed = signedHeaderList.split(";");
    for (const required of ["host", "x-amz-date"]) {
      if (!signed.includes(required)) throw new Refused(iamError(403, "IncompleteSignature", `${required} must be signed`));
    }
    if (header(headers, "x-amz-security-token") !== undefined) {
      throw new Refused(iamError(403, "InvalidClientTokenId", "long-term keys carry no session token"));
    }
    const key = keys.get(accessKeyId);
    if (!key || key.deleted || key.status !== "Active") {
      throw new Refused(iamError(403, "InvalidClientTokenId", "The security token included in the request is invalid."));
    }
    const canonicalHeaders = signed.map((name) => `${name}:${(header(headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
    const canonicalRequest = [req.method, url.pathname, "", canonicalHeaders, signedHeaderList, sha256(body)].join("\n");
    const scope = `${date}/${region}/iam/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), region), "iam"), "aws4_request");
    const expected = Buffer.from(hmac(signingKey, stringToSign).toString("hex"));
    if (!timingSafeEqual(expected, Buffer.from(signature))) {
      throw new Refused(iamError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."));
    }
    return key;
  }

  function injected(action: string): FakeAnswer | undefined {
    const f = failures.get(action as IamAction);
    if (!f || f.times <= 0) return undefined;
    f.times--;
    return iamError(f.error.status, f.error.code, `injected ${f.error.code}`);
  }

  /** The caller's own key `id`, or NoSuchEntity (IAM's answer for a key of nobody it can see). */
  function ownKey(caller: FakeIamKey, id: string | undefined) {
    const key = id ? keys.get(id) : undefined;
    if (!key || key.deleted || key.userName !== caller.userName) {
      throw new Refused(iamError(404, "NoSuchEntity", `The Access Key with id ${id ?? ""} cannot be found.`));
    }
    return key;
  }

  function act(action: string, caller: FakeIamKey, params: URLSearchParams): FakeAnswer {
    switch (action) {
      case "CreateAccessKey": {
        const userName = params.get("UserName") ?? caller.userName;
        if (userName !== caller.userName) throw new Refused(iamError(403, "AccessDenied", "only one's own keys here"));
        if (live(userName).length >= 2) throw new Refused(iamError(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2"));
        const key = newKey(userName, state.newKeysInvalidForChecks);
        return ok(
          action,
          `<CreateAccessKeyResult><AccessKey><UserName>${userName}</UserName><AccessKeyId>${key.accessKeyId}</AccessKeyId><Status>Active</Status><SecretAccessKey>${key.secretAccessKey}</SecretAccessKey><CreateDate>${new Date().toISOString()}</CreateDate></AccessKey></CreateAccessKeyResult>`,
        );
      }
      case "UpdateAccessKey": {
        const key = ownKey(caller, params.get("AccessKeyId") ?? undefined);
        const status = params.get("Status");
        if (status !== "Active" && status !== "Inactive") throw new Refused(iamError(400, "ValidationError", "Status must be Active or Inactive"));
        key.status = status;
        return ok(action);
      }
      case "DeleteAccessKey": {
        ownKey(caller, params.get("AccessKeyId") ?? undefined).deleted = true;
        return ok(action);
      }
      default:
        throw new Refused(iamError(400, "InvalidAction", `Could not find operation ${action}`));
    }
  }

  return {
    state,
    calls,

    /** A user with one active access key; its credentials. */
    addUser(userName: string): { accessKeyId: string; secretAccessKey: string } {
      const { accessKeyId, secretAccessKey } = newKey(userName, 0);
      return { accessKeyId, secretAccessKey };
    },

    /** One more active key for an existing user (to fill the 2-key limit); its credentials. */
    addKey(userName: string): { accessKeyId: string; secretAccessKey: string } {
      const { accessKeyId, secretAccessKey } = newKey(userName, 0);
      return { accessKeyId, secretAccessKey };
    },

    /** Every secret access key this IAM ever made: what no audit row, step or message may hold. */
    secrets(): string[] {
      return [...keys.values()].map((k) => k.secretAccessKey);
    },

    /** The user's keys that exist (not deleted), as the IAM console lists them. */
    keysOf(userName: string): { accessKeyId: string; status: "Active" | "Inactive" }[] {
      return live(userName).map(({ accessKeyId, status }) => ({ accessKeyId, status }));
    },

    /** Every later `action` (for `times` calls) answers `error`, after its signature was checked. */
    fail(action: IamAction, error: FakeIamError, times = Infinity): void {
      failures.set(action, { error, times });
    },

    clearFailures(): void {
      failures.clear();
    },

    /** The IAM endpoint: `/aws-iam/` on the fake provider. */
    handle(req: http.IncomingMessage, url: URL, body: string): FakeAnswer {
      const params = new URLSearchParams(body);
      const call: FakeIamCall = { action: params.get("Action") ?? "", params: Object.fromEntries(params) };
      calls.push(call);
      try {
        const caller = verify(req, url, body);
        call.signedBy = caller.accessKeyId;
        if (params.get("Version") !== "2010-05-08") throw new Refused(iamError(400, "InvalidParameterValue", "Version must be 2010-05-08"));
        const failure = injected(call.action);
        if (failure) throw new Refused(failure);
        return act(call.action, caller, params);
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        call.error = /<Code>([^<]+)<\/Code>/.exec(err.answer[2])?.[1];
        return err.answer;
      }
    },

    /** For the fake's STS: the secret a key this IAM made signs with (deleted ones too), else undefined. */
    secretOf(accessKeyId: string): string | undefined {
      return keys.get(accessKeyId)?.secretAccessKey;
    },

    /** For the fake's STS, once the signature checked out: its answer for a key this IAM knows, else undefined. */
    stsAnswer(accessKeyId: string): FakeAnswer | undefined {
      const key = keys.get(accessKeyId);
      if (!key) return undefined;
      const usable = !key.deleted && key.status === "Active" && key.invalidChecksLeft <= 0;
      if (key.invalidChecksLeft > 0) key.invalidChecksLeft--;
      if (!usable) {
        return [
          403,
          "text/xml",
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>`,
        ];
      }
      return [
        200,
        "text/xml",
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/${key.userName}</Arn><UserId>AIDA${randomBytes(8).toString("hex").toUpperCase()}</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      ];
    },
  };
}

export type FakeIam = ReturnType<typeof createFakeIam>;
