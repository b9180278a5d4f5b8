import { describe, expect, it } from "vitest";
import type { ApiKey } from "../../src/react/index.js";
import { buildCreateBody, buildTestBody, buildUpdateBody, draftFromKey, emptyDraft, validateDraft } from "../../web/src/lib/key-draft";

const saved: ApiKey = {
  id: "key_1",
  name: "Prod",
  service: "custom",
  description: null,
  maskedValue: "abc…wxyz",
  isActive: true,
  isDefault: false,
  isExpired: false,
  expiresAt: null,
  config: { baseUrl: "https://llm.example.com/v1", headerName: "Authorization", headerPrefix: "Bearer " },
  usageCount: 3,
  lastUsedAt: null,
  lastTestedAt: null,
  lastTestStatus: null,
  createdAt: "2026-11-25T10:00:00.000Z",
  updatedAt: "2026-11-25T10:00:00.000Z",
  rotation: { everyDays: null, dueAt: null, lastRotatedAt: null },
  teamId: null,
  sharing: null,
};

describe("buildCreateBody", () => {
  it("sends a trimmed string key with only the fields that were filled", () => {
    const body = buildCreateBody({ ...emptyDraft("openai"), name: " My key ", value: " sk-abc \n" });
    expect(body).toEqual({ name: "My key", service: "openai", value: "sk-abc" });
  });
  it("sends AWS credentials as an object and the region in config", () => {
    const body = buildCreateBody({ ...emptyDraft("aws"), name: "AWS", accessKeyId: "AKIA1", secretAccessKey: "s", region: "eu-west-1" });
    expect(body).toMatchObject({ value: { accessKeyId: "AKIA1", secretAccessKey: "s" }, config: { region: "eu-west-1" } });
    expect(body.value).not.toHaveProperty("sessionToken");
  });
  it("sends custom endpoint settings and an end-of-day expiry", () => {
    const body = buildCreateBody({ ...emptyDraft("custom"), name: "C", value: "k", baseUrl: "https://x.test/v1", headerPrefix: "", expiration: "2030-01-31" });
    expect(body.config).toEqual({ baseUrl: "https://x.test/v1", headerName: "Authorization", headerPrefix: "" });
    expect(new Date(body.expiresAt!).getDate()).toBe(31);
  });
});

describe("buildUpdateBody", () => {
  it("sends nothing when nothing changed, and never an empty secret", () => {
    expect(buildUpdateBody(draftFromKey(saved), saved)).toEqual({});
  });
  it("sends what changed; clearing the description and the expiry sends null", () => {
    const key = { ...saved, description: "old", expiresAt: "2030-01-01T12:00:00.000Z" };
    const body = buildUpdateBody({ ...draftFromKey(key), name: "Renamed", description: "", expiration: "", value: "new-secret" }, key);
    expect(body).toEqual({ name: "Renamed", description: null, expiresAt: null, value: "new-secret" });
  });
});

describe("validateDraft", () => {
  it("requires a name and, when adding, a key", () => {
    expect(validateDraft(emptyDraft("openai"), "create")).toEqual({ name: "Name is required", value: "API key is required" });
    expect(validateDraft({ ...draftFromKey(saved) }, "edit", saved)).toEqual({});
  });
  it("requires a base URL for a custom endpoint and refuses past dates", () => {
    const errors = validateDraft({ ...emptyDraft("custom"), name: "x", value: "k", expiration: "2001-01-01" }, "create");
    expect(Object.keys(errors).sort()).toEqual(["baseUrl", "expiration"]);
  });
});

describe("buildTestBody", () => {
  it("tests the typed value before saving, and the saved key otherwise", () => {
    expect(buildTestBody({ ...emptyDraft("openai"), value: "sk-x" })).toEqual({ service: "openai", value: "sk-x" });
    expect(buildTestBody(draftFromKey(saved), saved)).toEqual({ keyId: "key_1" });
    expect(buildTestBody(emptyDraft("openai"))).toBeNull();
  });
});
