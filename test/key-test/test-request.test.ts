/** The documented test request, per service, described (nothing is sent here). */
import { describe, expect, it } from "vitest";
import { buildTestRequest, STS_GET_CALLER_IDENTITY_BODY } from "../../src/key-test/index.js";
import { normalizeServiceConfig, type ServiceId } from "../../src/services/index.js";
import { fakeKey } from "../support/fake-provider.js";

const config = (service: ServiceId, raw?: unknown) => normalizeServiceConfig(service, raw);

describe("buildTestRequest", () => {
  it.each([
    ["openai", "https://api.openai.com/v1/models"],
    ["groq", "https://api.groq.com/openai/v1/models"],
    ["xai", "https://api.x.ai/v1/models"],
  ] as const)("%s: GET %s with Bearer", async (service, url) => {
    const key = fakeKey(service, "valid");
    const req = await buildTestRequest(service, key, config(service));
    expect(req.method).toBe("GET");
    expect(req.url.href).toBe(url);
    expect(req.headers.Authorization).toBe(`Bearer ${key}`);
    expect(req.body).toBeUndefined();
  });

  it("anthropic: x-api-key and anthropic-version", async () => {
    const key = fakeKey("anthropic", "valid");
    const req = await buildTestRequest("anthropic", key, config("anthropic"));
    expect(req.url.href).toBe("https://api.anthropic.com/v1/models");
    expect(req.headers).toMatchObject({ "x-api-key": key, "anthropic-version": "2023-06-01" });
    expect(req.headers.Authorization).toBeUndefined();
  });

  it("google: x-goog-api-key, never in the URL", async () => {
    const key = fakeKey("google", "valid");
    const req = await buildTestRequest("google", key, config("google"));
    expect(req.url.href).toBe("https://generativelanguage.googleapis.com/v1beta/models");
    expect(req.url.href).not.toContain(key);
    expect(req.headers["x-goog-api-key"]).toBe(key);
  });

  it("custom: {config.baseUrl}/models with the configured header", async () => {
    const key = fakeKey("custom", "valid");
    const req = await buildTestRequest(
      "custom",
      key,
      config("custom", { baseUrl: "https://llm.example.com/v1/", headerName: "User-Agent", headerPrefix: "Key " }),
    );
    expect(req.url.href).toBe("https://llm.example.com/v1/models");
    // The key's header replaces the default of the same name, whatever its case.
    expect(Object.keys(req.headers).filter((h) => h.toLowerCase() === "user-agent")).toEqual(["User-Agent"]);
    expect(req.headers["User-Agent"]).toBe(`Key ${key}`);
  });

  it("aws: STS GetCallerIdentity at the region's endpoint, SigV4-signed", async () => {
    const key = fakeKey("aws", "valid", { temporary: true });
    const req = await buildTestRequest("aws", key, config("aws", { region: "ap-southeast-2" }));
    expect(req.method).toBe("POST");
    expect(req.url.href).toBe("https://sts.ap-southeast-2.amazonaws.com/");
    expect(req.body).toBe(STS_GET_CALLER_IDENTITY_BODY);
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/\\d{8}/ap-southeast-2/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`),
    );
    expect(req.headers["x-amz-security-token"]).toBe(key.sessionToken);
    expect(JSON.stringify(req.headers)).not.toContain(key.secretAccessKey);
  });

  it("uses the operator's overrides for built-in services", async () => {
    const overrides = { openai: "http://127.0.0.1:9999/openai/", aws: "http://127.0.0.1:9999/aws" };
    expect((await buildTestRequest("openai", fakeKey("openai", "valid"), config("openai"), overrides)).url.href).toBe(
      "http://127.0.0.1:9999/openai/models",
    );
    expect((await buildTestRequest("aws", fakeKey("aws", "valid"), config("aws"), overrides)).url.href).toBe("http://127.0.0.1:9999/aws/");
  });
});
