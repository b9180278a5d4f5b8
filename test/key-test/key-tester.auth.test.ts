/** The exact request each service gets, as the fake provider recorded it. */
import { describe, expect, it } from "vitest";
import {
  FAKE_AWS_SECRET_ACCESS_KEY,
  FAKE_AWS_SESSION_TOKEN,
  FAKE_CUSTOM_HEADER_NAME,
  FAKE_CUSTOM_HEADER_PREFIX,
  STS_BODY,
  fakeKey,
  type FakeProviderRequest,
} from "../support/fake-provider.js";
import { useTesterOnFake } from "./helpers.js";

const env = useTesterOnFake();

function onlyRequest(): FakeProviderRequest {
  expect(env.fake.requests).toHaveLength(1);
  const [req] = env.fake.requests;
  expect(req.wrongAuth).toBeUndefined();
  return req;
}

describe.each(["openai", "groq", "xai"] as const)("%s", (service) => {
  it("GET {base}/models with Authorization: Bearer <key> and nothing else", async () => {
    const key = fakeKey(service, "valid");
    expect((await env.tester.testKey(service, key)).status).toBe("valid");
    const req = onlyRequest();
    expect(req.method).toBe("GET");
    expect(req.path).toBe(`/${service}/models`);
    expect(req.headers.authorization).toBe(`Bearer ${key}`);
    expect(req.headers["x-api-key"]).toBeUndefined();
    expect(req.headers["x-goog-api-key"]).toBeUndefined();
    expect(req.body).toBe("");
  });
});

describe("anthropic", () => {
  it("GET {base}/models with x-api-key and anthropic-version: 2023-06-01, no Bearer", async () => {
    const key = fakeKey("anthropic", "valid");
    expect((await env.tester.testKey("anthropic", key)).status).toBe("valid");
    const req = onlyRequest();
    expect(req.method).toBe("GET");
    expect(req.path).toBe("/anthropic/models");
    expect(req.headers["x-api-key"]).toBe(key);
    expect(req.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req.headers.authorization).toBeUndefined();
  });
});

describe("google", () => {
  it("GET {base}/models with x-goog-api-key, and the key nowhere in the URL", async () => {
    const key = fakeKey("google", "valid");
    expect((await env.tester.testKey("google", key)).status).toBe("valid");
    const req = onlyRequest();
    expect(req.method).toBe("GET");
    expect(req.path).toBe("/google/models");
    expect(req.path).not.toContain(key);
    expect(req.headers["x-goog-api-key"]).toBe(key);
    expect(req.headers.authorization).toBeUndefined();
  });
});

describe("custom", () => {
  it("defaults to Authorization: Bearer <key> on {config.baseUrl}/models", async () => {
    const key = fakeKey("custom", "valid");
    expect((await env.tester.testKey("custom", key, { baseUrl: `${env.fake.url}/custom/` })).status).toBe("valid");
    const req = onlyRequest();
    expect(req.path).toBe("/custom/models");
    expect(req.headers.authorization).toBe(`Bearer ${key}`);
  });

  it("sends config.headerName / config.headerPrefix", async () => {
    const key = fakeKey("custom", "valid");
    const config = { baseUrl: `${env.fake.url}/custom-header`, headerName: "X-Custom-Auth", headerPrefix: FAKE_CUSTOM_HEADER_PREFIX };
    expect((await env.tester.testKey("custom", key, config)).status).toBe("valid");
    const req = onlyRequest();
    expect(req.path).toBe("/custom-header/models");
    expect(req.headers[FAKE_CUSTOM_HEADER_NAME]).toBe(`${FAKE_CUSTOM_HEADER_PREFIX}${key}`);
    expect(req.headers.authorization).toBeUndefined();
  });

  it("an empty prefix sends the bare key", async () => {
    const key = fakeKey("custom", "valid");
    await env.tester.testKey("custom", key, { baseUrl: `${env.fake.url}/custom`, headerName: "X-Api-Key", headerPrefix: "" });
    expect(env.fake.requests[0].headers["x-api-key"]).toBe(key);
  });
});

describe("aws", () => {
  const authPattern = (id: string, region: string) =>
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=${id}/\\d{8}/${region}/sts/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`,
    );

  it("POST {base}/ GetCallerIdentity, signed with SigV4 for sts in the key's region", async () => {
    const key = fakeKey("aws", "valid");
    expect((await env.tester.testKey("aws", key, { region: "eu-central-2" })).status).toBe("valid");
    const req = onlyRequest();
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/aws/");
    expect(req.body).toBe(STS_BODY);
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.authorization).toMatch(authPattern(key.accessKeyId, "eu-central-2"));
    expect(req.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(req.headers["x-amz-security-token"]).toBeUndefined();
    // The secret signs; it is never sent.
    expect(JSON.stringify(req)).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
  });

  it("defaults to us-east-1", async () => {
    const key = fakeKey("aws", "valid");
    await env.tester.testKey("aws", key);
    expect(onlyRequest().headers.authorization).toMatch(authPattern(key.accessKeyId, "us-east-1"));
  });

  it("temporary credentials send and sign x-amz-security-token", async () => {
    const key = fakeKey("aws", "valid", { temporary: true });
    expect((await env.tester.testKey("aws", key)).status).toBe("valid");
    const req = onlyRequest();
    expect(req.headers["x-amz-security-token"]).toBe(FAKE_AWS_SESSION_TOKEN);
    expect(req.headers.authorization).toMatch(/SignedHeaders=[a-z0-9;-]*x-amz-security-token/);
  });
});

describe("the fake provider refuses the wrong auth scheme (so a wrong request cannot pass)", () => {
  async function call(path: string, init: RequestInit = {}) {
    const res = await fetch(`${env.fake.url}${path}`, init);
    return { status: res.status, body: await res.json() };
  }
  const wrong = { status: 400, body: { error: "wrong auth" } };
  const anthropicKey = fakeKey("anthropic", "valid");
  const googleKey = fakeKey("google", "valid");

  it.each([
    ["Bearer to anthropic", "/anthropic/models", { authorization: `Bearer ${anthropicKey}`, "anthropic-version": "2023-06-01" }],
    ["anthropic without anthropic-version", "/anthropic/models", { "x-api-key": anthropicKey }],
    ["Bearer to google", "/google/models", { authorization: `Bearer ${googleKey}` }],
    ["x-api-key to openai", "/openai/models", { "x-api-key": fakeKey("openai", "valid") }],
    ["no auth to groq", "/groq/models", {}],
    ["Basic to xai", "/xai/models", { authorization: `Basic ${fakeKey("xai", "valid")}` }],
  ])("%s", async (_name, path, headers) => {
    expect(await call(path, { headers })).toEqual(wrong);
  });

  it("the google key in the URL query", async () => {
    expect(await call(`/google/models?key=${googleKey}`)).toEqual(wrong);
    expect(await call(`/google/models?key=${googleKey}`, { headers: { "x-goog-api-key": googleKey } })).toEqual(wrong);
  });

  it("an unsigned STS request", async () => {
    const init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: STS_BODY };
    expect(await call("/aws/", init)).toEqual(wrong);
  });

  it("a made-up AWS Authorization header", async () => {
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS ${fakeKey("aws", "valid").accessKeyId}:c2lnbmF0dXJl`,
    };
    expect(await call("/aws/", { method: "POST", headers, body: STS_BODY })).toEqual(wrong);
  });

  it("the right auth is accepted", async () => {
    const ok = await call("/anthropic/models", { headers: { "x-api-key": anthropicKey, "anthropic-version": "2023-06-01" } });
    expect(ok.status).toBe(200);
  });
});
