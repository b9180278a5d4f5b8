import { describe, expect, it } from "vitest";
import { authHeadersFor, baseUrlFor, normalizeServiceConfig, type CustomConfig } from "../../src/services/index.js";
import { catchAppError } from "./helpers.js";

const KEY = "test-key-value";

describe("authHeadersFor", () => {
  it.each(["openai", "groq", "xai"] as const)("%s sends a Bearer token", (service) => {
    expect(authHeadersFor(service, KEY, {})).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it("anthropic sends x-api-key and the API version", () => {
    expect(authHeadersFor("anthropic", KEY, {})).toEqual({ "x-api-key": KEY, "anthropic-version": "2023-06-01" });
  });

  it("google sends x-goog-api-key and nothing else", () => {
    expect(authHeadersFor("google", KEY, {})).toEqual({ "x-goog-api-key": KEY });
  });

  it("custom uses the default Authorization: Bearer", () => {
    const config = normalizeServiceConfig("custom", { baseUrl: "https://llm.example.com" });
    expect(authHeadersFor("custom", KEY, config)).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it("custom uses the configured header name and prefix", () => {
    const config = normalizeServiceConfig("custom", {
      baseUrl: "https://llm.example.com",
      headerName: "X-Api-Key",
      headerPrefix: "",
    });
    expect(authHeadersFor("custom", KEY, config)).toEqual({ "X-Api-Key": KEY });
    const token = normalizeServiceConfig("custom", { baseUrl: "https://x.example", headerPrefix: "Token " });
    expect(authHeadersFor("custom", KEY, token)).toEqual({ Authorization: `Token ${KEY}` });
  });

  it("custom re-checks a stored config before putting it in a header", () => {
    const stored = { baseUrl: "https://x.example", headerName: "X-A\r\nX-Evil", headerPrefix: "Bearer " };
    const err = catchAppError(() => authHeadersFor("custom", KEY, stored), "VALIDATION_ERROR");
    expect(err.details?.[0]?.path).toBe("config.headerName");
    expect(err.message).not.toContain(KEY);
  });

  it("aws refuses: it is signed with SigV4", () => {
    const err = catchAppError(() => authHeadersFor("aws", KEY, { region: "us-east-1" }), "INTERNAL");
    expect(err.message).toMatch(/SigV4/);
    expect(err.message).not.toContain(KEY);
  });
});

describe("baseUrlFor", () => {
  it.each([
    ["openai", "https://api.openai.com/v1"],
    ["anthropic", "https://api.anthropic.com/v1"],
    ["google", "https://generativelanguage.googleapis.com/v1beta"],
    ["groq", "https://api.groq.com/openai/v1"],
    ["xai", "https://api.x.ai/v1"],
  ] as const)("%s defaults to %s", (service, url) => {
    expect(baseUrlFor(service, {}, {})).toBe(url);
    expect(baseUrlFor(service)).toBe(url);
  });

  it.each(["openai", "anthropic", "google", "groq", "xai"] as const)("%s follows the operator override", (service) => {
    expect(baseUrlFor(service, {}, { [service]: `http://127.0.0.1:4010/${service}/` })).toBe(
      `http://127.0.0.1:4010/${service}`,
    );
  });

  it("an override for one service does not move another", () => {
    expect(baseUrlFor("openai", {}, { groq: "http://127.0.0.1:1" })).toBe("https://api.openai.com/v1");
  });

  it("an empty override counts as unset", () => {
    expect(baseUrlFor("openai", {}, { openai: "" })).toBe("https://api.openai.com/v1");
  });

  it("aws fills the region into the STS host", () => {
    expect(baseUrlFor("aws", { region: "eu-central-2" }, {})).toBe("https://sts.eu-central-2.amazonaws.com");
    expect(baseUrlFor("aws", normalizeServiceConfig("aws", {}))).toBe("https://sts.us-east-1.amazonaws.com");
  });

  it("aws follows an override, with or without {region}", () => {
    expect(baseUrlFor("aws", { region: "us-west-2" }, { aws: "http://127.0.0.1:4010/sts/" })).toBe(
      "http://127.0.0.1:4010/sts",
    );
    expect(baseUrlFor("aws", { region: "us-west-2" }, { aws: "https://sts-fips.{region}.amazonaws.com/" })).toBe(
      "https://sts-fips.us-west-2.amazonaws.com",
    );
  });

  it("aws refuses a stored region that would change the host", () => {
    const err = catchAppError(() => baseUrlFor("aws", { region: "evil.example/x" }), "VALIDATION_ERROR");
    expect(err.details?.[0]?.path).toBe("config.region");
  });

  it("custom uses config.baseUrl and ignores overrides", () => {
    const config = normalizeServiceConfig("custom", { baseUrl: "https://llm.example.com/v1/" });
    expect(baseUrlFor("custom", config, { openai: "http://127.0.0.1:1" })).toBe("https://llm.example.com/v1");
    expect(baseUrlFor("custom", { ...config, baseUrl: "https://llm.example.com/v1//" })).toBe("https://llm.example.com/v1");
  });

  it("custom without a baseUrl is a validation error", () => {
    const err = catchAppError(() => baseUrlFor("custom", {} as CustomConfig), "VALIDATION_ERROR");
    expect(err.details?.[0]?.path).toBe("config.baseUrl");
  });
});
