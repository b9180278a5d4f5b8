import { describe, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { normalizeKeyValue, type ServiceId } from "../../src/services/index.js";
import { body, catchAppError, expectNotLeaked } from "./helpers.js";

// AWS's own documentation examples: recognisably fake, and ignored by secret scanners.
const AWS_ID = "AKIAIOSFODNN7EXAMPLE";
const AWS_TEMP_ID = "ASIAIOSFODNN7EXAMPLE";
const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const AWS_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${"A".repeat(300)}/+==`;

describe("normalizeKeyValue accepts realistic keys", () => {
  const accepted: Array<[ServiceId, string]> = [
    ["openai", `sk-proj-${body(40, 1)}_ab-CD_${body(100, 2)}`],
    ["openai", `sk-svcacct-${body(120, 3)}`],
    ["openai", `sk-admin-${body(80, 4)}`],
    ["openai", `sk-${"aB3".repeat(16)}`], // legacy: sk- + 48 alphanumerics
    ["openai", `sk-${body(17, 5)}`], // exactly the 20-character minimum
    ["anthropic", `sk-ant-api03-${body(93, 6)}-AA`],
    ["anthropic", `sk-ant-admin01-${body(93, 7)}_AA`],
    ["google", `AIza${body(35, 8)}`],
    ["google", `AIzaSy-_${"x".repeat(31)}`],
    ["groq", `gsk_${body(52, 9)}`],
    ["xai", `xai-${body(80, 10)}`],
    ["custom", "my-internal-token"],
    ["custom", "x"],
    ["custom", "token with spaces inside"],
    ["custom", "a".repeat(4096)],
  ];

  it.each(accepted)("%s accepts %s", (service, value) => {
    expect(normalizeKeyValue(service, value)).toBe(value);
  });

  it.each(accepted)("%s trims surrounding whitespace from %s", (service, value) => {
    expect(normalizeKeyValue(service, ` \t\n${value}\r\n  `)).toBe(value);
  });

  it("aws accepts a long-term AKIA key without a session token", () => {
    expect(normalizeKeyValue("aws", { accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET })).toEqual({
      accessKeyId: AWS_ID,
      secretAccessKey: AWS_SECRET,
    });
  });

  it("aws accepts a temporary ASIA key with its session token, trimming every field", () => {
    const value = normalizeKeyValue("aws", {
      accessKeyId: `  ${AWS_TEMP_ID}\n`,
      secretAccessKey: `\t${AWS_SECRET} `,
      sessionToken: ` ${AWS_TOKEN}\n`,
    });
    expect(value).toEqual({ accessKeyId: AWS_TEMP_ID, secretAccessKey: AWS_SECRET, sessionToken: AWS_TOKEN });
  });

  it("aws treats an empty or null sessionToken as absent for AKIA keys", () => {
    for (const sessionToken of ["", "   ", null, undefined]) {
      const value = normalizeKeyValue("aws", { accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET, sessionToken });
      expect(value).toEqual({ accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET });
      expect(value).not.toHaveProperty("sessionToken");
    }
  });
});

describe("normalizeKeyValue refuses wrong shapes with INVALID_KEY_FORMAT", () => {
  const refused: Array<[string, ServiceId, unknown, RegExp]> = [
    ["openai: wrong prefix", "openai", `pk-${body(40, 11)}`, /does not start with "sk-"/],
    ["openai: prefix alone", "openai", "sk-", /too short/],
    ["openai: too short", "openai", "sk-abc", /too short/],
    ["openai: one below the minimum", "openai", `sk-${body(16, 12)}`, /too short/],
    ["openai: illegal characters", "openai", `sk-proj-${body(30, 13)}.${body(10, 14)}`, /characters other than/],
    ["openai: internal whitespace", "openai", `sk-proj-${body(20, 15)} ${body(20, 16)}`, /whitespace/],
    ["openai: an Anthropic key", "openai", `sk-ant-api03-${body(95, 17)}`, /looks like an Anthropic key/],
    ["openai: a Groq key", "openai", `gsk_${body(52, 18)}`, /looks like a Groq key/],
    ["openai: quoted", "openai", `"sk-proj-${body(40, 19)}"`, /does not start with "sk-"/],
    ["openai: too long", "openai", `sk-${body(1100, 20)}`, /too long/],
    ["openai: a number", "openai", 12345678901234567890, /must be a string/],
    ["openai: an object", "openai", { key: `sk-${body(40, 21)}` }, /must be a string/],
    ["openai: empty", "openai", "   ", /empty/],
    ["anthropic: an OpenAI key", "anthropic", `sk-proj-${body(60, 22)}`, /looks like an OpenAI key/],
    ["anthropic: wrong prefix", "anthropic", `ak-ant-api03-${body(60, 23)}`, /does not start with "sk-ant-"/],
    ["anthropic: sk- without ant-", "anthropic", `sk-an${body(60, 23)}`, /looks like an OpenAI key/],
    ["anthropic: too short", "anthropic", "sk-ant-api03-x", /too short/],
    ["anthropic: illegal characters", "anthropic", `sk-ant-api03-${body(40, 24)}+${body(40, 25)}`, /characters other than/],
    ["anthropic: internal newline", "anthropic", `sk-ant-api03-${body(40, 26)}\n${body(40, 27)}`, /whitespace/],
    ["google: 34 characters after AIza", "google", `AIza${body(34, 28)}`, /too short/],
    ["google: 36 characters after AIza", "google", `AIza${body(36, 29)}`, /too long/],
    ["google: wrong prefix", "google", `AIzb${body(35, 30)}`, /does not start with "AIza"/],
    ["google: lower-case prefix", "google", `aiza${body(35, 31)}`, /does not start with "AIza"/],
    ["google: illegal characters", "google", `AIza${body(34, 32)}!`, /characters other than/],
    ["groq: wrong prefix", "groq", `gsk-${body(52, 33)}`, /does not start with "gsk_"/],
    ["groq: too short", "groq", "gsk_abc", /too short/],
    ["groq: illegal characters", "groq", `gsk_${body(30, 34)}/${body(20, 35)}`, /characters other than/],
    ["xai: wrong prefix", "xai", `xai_${body(80, 36)}`, /does not start with "xai-"/],
    ["xai: too short", "xai", "xai-1234", /too short/],
    ["xai: internal tab", "xai", `xai-${body(40, 37)}\t${body(40, 38)}`, /whitespace/],
    ["custom: empty", "custom", "", /empty/],
    ["custom: only whitespace", "custom", " \n\t ", /empty/],
    ["custom: a line break inside", "custom", "token-part-one\r\nX-Injected: yes", /line breaks/],
    ["custom: a NUL byte", "custom", "token\u0000withnul", /control/],
    ["custom: too long", "custom", "a".repeat(4097), /too long/],
    ["custom: not a string", "custom", 42, /must be a string/],
  ];

  it.each(refused)("%s", (_label, service, value, reason) => {
    const err = catchAppError(() => normalizeKeyValue(service, value), "INVALID_KEY_FORMAT");
    expect(err.status).toBe(400);
    expect(err.message.startsWith("Invalid API key format")).toBe(true);
    expect(err.message).toMatch(reason);
    if (typeof value === "string") expectNotLeaked(err.message, value);
  });

  it("says what each service expects", () => {
    const expects: Array<[ServiceId, string]> = [
      ["openai", 'OpenAI keys start with "sk-"'],
      ["anthropic", 'Anthropic keys start with "sk-ant-"'],
      ["google", 'Google AI keys are "AIza" followed by exactly 35'],
      ["groq", 'Groq keys start with "gsk_"'],
      ["xai", 'xAI keys start with "xai-"'],
      ["custom", "Custom endpoint keys are non-empty"],
    ];
    for (const [service, text] of expects) {
      const err = catchAppError(() => normalizeKeyValue(service, "nope\nnope"), "INVALID_KEY_FORMAT");
      expect(err.message).toContain(`Invalid API key format: ${text}`);
    }
  });

  describe("aws", () => {
    const refusedAws: Array<[string, unknown, RegExp]> = [
      ["a single string", `${AWS_ID}:${AWS_SECRET}`, /not a single string|single string was given/],
      ["null", null, /AWS credentials are an object/],
      ["an array", [AWS_ID, AWS_SECRET], /AWS credentials are an object/],
      ["ASIA without a session token", { accessKeyId: AWS_TEMP_ID, secretAccessKey: AWS_SECRET }, /need a sessionToken/],
      ["ASIA with a blank session token", { accessKeyId: AWS_TEMP_ID, secretAccessKey: AWS_SECRET, sessionToken: "  " }, /need a sessionToken/],
      ["AKIA with a session token", { accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET, sessionToken: AWS_TOKEN }, /only with temporary/],
      ["a 39-character secret", { accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET.slice(0, 39) }, /too short/],
      ["a 41-character secret", { accessKeyId: AWS_ID, secretAccessKey: `${AWS_SECRET}Z` }, /too long/],
      ["a secret with illegal characters", { accessKeyId: AWS_ID, secretAccessKey: `${AWS_SECRET.slice(0, 39)}!` }, /other characters/],
      ["a secret with internal whitespace", { accessKeyId: AWS_ID, secretAccessKey: `${AWS_SECRET.slice(0, 20)} ${AWS_SECRET.slice(21)}` }, /other characters/],
      ["a wrong id prefix", { accessKeyId: "AKIBIOSFODNN7EXAMPLE", secretAccessKey: AWS_SECRET }, /AKIA" or "ASIA/],
      ["a 15-character id body", { accessKeyId: AWS_ID.slice(0, 19), secretAccessKey: AWS_SECRET }, /AKIA" or "ASIA/],
      ["a 17-character id body", { accessKeyId: `${AWS_ID}Q`, secretAccessKey: AWS_SECRET }, /AKIA" or "ASIA/],
      ["a lower-case id", { accessKeyId: AWS_ID.toLowerCase(), secretAccessKey: AWS_SECRET }, /AKIA" or "ASIA/],
      ["a missing secret", { accessKeyId: AWS_ID }, /secretAccessKey must be a string/],
      ["a missing id", { secretAccessKey: AWS_SECRET }, /accessKeyId must be a string/],
      ["a region in the value", { accessKeyId: AWS_ID, secretAccessKey: AWS_SECRET, region: "us-east-1" }, /config\.region/],
      ["a session token with whitespace", { accessKeyId: AWS_TEMP_ID, secretAccessKey: AWS_SECRET, sessionToken: "abc def" }, /whitespace/],
    ];

    it.each(refusedAws)("refuses %s", (_label, value, reason) => {
      const err = catchAppError(() => normalizeKeyValue("aws", value), "INVALID_KEY_FORMAT");
      expect(err.message.startsWith("Invalid API key format")).toBe(true);
      expect(err.message).toMatch(reason);
      expectNotLeaked(err.message, AWS_SECRET);
      expectNotLeaked(err.message, AWS_SECRET.slice(0, 39));
      expectNotLeaked(err.message, AWS_TOKEN);
      expect(err.message).not.toContain("IOSFODNN7EXAMPLE");
    });
  });
});

describe("normalizeKeyValue with an unknown service", () => {
  it("refuses it as a validation error, not a crash", () => {
    const err = catchAppError(() => normalizeKeyValue("mistral" as ServiceId, `sk-${body(40)}`), "VALIDATION_ERROR");
    expect(err).toBeInstanceOf(AppError);
    expect(err.details?.[0]?.path).toBe("service");
  });
});
