/**
 * The IAM client's edges, and the rotation's two environment variables: XML fields read without
 * an XML library, errors that carry AWS's code but never its message text, redirects never
 * followed, and the config's bounds.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { StartupError } from "../../src/platform/errors.js";
import { AwsCallError, createAwsIamClient, xmlField } from "../../src/rotation/aws-iam-client.js";
import { listenOnLoopback } from "../support/loopback-server.js";

const creds = { accessKeyId: "AKIAABCDEFGHIJKLMNOP", secretAccessKey: "a".repeat(40) };

describe("xmlField", () => {
  it("reads the first element's text, with attributes and entities", () => {
    const xml = `<R xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><AccessKey><UserName a="1">ada &amp; co</UserName><AccessKeyId>AKIA1</AccessKeyId></AccessKey><AccessKeyId>AKIA2</AccessKeyId></R>`;
    expect(xmlField(xml, "UserName")).toBe("ada & co");
    expect(xmlField(xml, "AccessKeyId")).toBe("AKIA1");
    expect(xmlField(xml, "SecretAccessKey")).toBeUndefined();
    // A prefix of another element's name is not that element.
    expect(xmlField("<AccessKeyIdX>x</AccessKeyIdX>", "AccessKeyId")).toBeUndefined();
  });
});

describe("the IAM client against a misbehaving endpoint", () => {
  let url: string;
  let close: () => Promise<void>;
  let answer: (res: http.ServerResponse) => void = () => {};

  beforeAll(async () => {
    ({ url, close } = await listenOnLoopback(http.createServer((_req, res) => answer(res))));
  });
  afterAll(() => close());

  it("carries AWS's error code and status, never its message", async () => {
    answer = (res) => {
      res.writeHead(403, { "content-type": "text/xml" });
      res.end(`<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed for ${creds.secretAccessKey}</Message></Error></ErrorResponse>`);
    };
    const err: unknown = await createAwsIamClient({ iamBaseUrl: url }).createAccessKey(creds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ code: "AccessDenied", status: 403, message: "AWS answered 403 AccessDenied" });
  });

  it("does not follow a redirect", async () => {
    answer = (res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" });
      res.end();
    };
    await expect(createAwsIamClient({ iamBaseUrl: url }).deleteAccessKey(creds, "AKIAABCDEFGHIJKLMNOQ")).rejects.toMatchObject({
      code: "UnknownError",
      status: 302,
    });
  });

  it("refuses a CreateAccessKey answer without a usable key", async () => {
    answer = (res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      res.end("<CreateAccessKeyResponse><AccessKeyId>AKIAABCDEFGHIJKLMNOP</AccessKeyId><SecretAccessKey>short</SecretAccessKey></CreateAccessKeyResponse>");
    };
    await expect(createAwsIamClient({ iamBaseUrl: url }).createAccessKey(creds)).rejects.toMatchObject({ code: "MalformedCreateAccessKeyAnswer" });
  });

  it("gives up on a silent endpoint after its timeout", async () => {
    answer = () => {}; // never answers
    await expect(createAwsIamClient({ iamBaseUrl: url, timeoutMs: 100 }).createAccessKey(creds)).rejects.toMatchObject({
      code: "Timeout",
      status: null,
    });
  });
});

describe("configuration", () => {
  const base = { NODE_ENV: "test" };
  it("KEYHAVEN_AWS_ROTATION_GRACE_HOURS: 24 by default, 0 allowed, nonsense refused", () => {
    expect(loadConfig(base).awsRotationGraceHours).toBe(24);
    expect(loadConfig({ ...base, KEYHAVEN_AWS_ROTATION_GRACE_HOURS: "0" }).awsRotationGraceHours).toBe(0);
    expect(loadConfig({ ...base, KEYHAVEN_AWS_ROTATION_GRACE_HOURS: "72" }).awsRotationGraceHours).toBe(72);
    for (const bad of ["-1", "1.5", "soon", "8761"]) {
      expect(() => loadConfig({ ...base, KEYHAVEN_AWS_ROTATION_GRACE_HOURS: bad })).toThrow(StartupError);
    }
  });

  it("KEYHAVEN_AWS_IAM_BASE_URL: an http(s) URL, trailing slashes dropped", () => {
    expect(loadConfig(base).awsIamBaseUrl).toBeUndefined();
    expect(loadConfig({ ...base, KEYHAVEN_AWS_IAM_BASE_URL: "http://127.0.0.1:9/aws-iam/" }).awsIamBaseUrl).toBe("http://127.0.0.1:9/aws-iam");
    expect(() => loadConfig({ ...base, KEYHAVEN_AWS_IAM_BASE_URL: "ftp://iam.example" })).toThrow(/KEYHAVEN_AWS_IAM_BASE_URL/);
  });
});
