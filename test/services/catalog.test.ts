import { describe, expect, it } from "vitest";
import {
  SERVICE_IDS,
  getService,
  isServiceId,
  listServices,
  normalizeServiceConfig,
  publicCatalog,
  publicServiceSchema,
  serviceIdSchema,
  type ServiceId,
} from "../../src/services/index.js";
import { catchAppError } from "./helpers.js";

describe("service ids", () => {
  it("lists the seven services in order", () => {
    expect(SERVICE_IDS).toEqual(["openai", "anthropic", "google", "groq", "xai", "aws", "custom"]);
  });

  it("isServiceId accepts exactly the ids", () => {
    for (const id of SERVICE_IDS) expect(isServiceId(id)).toBe(true);
    for (const x of ["OpenAI", "mistral", "", " openai", null, undefined, 1, {}, "toString", "__proto__"]) {
      expect(isServiceId(x)).toBe(false);
    }
  });

  it("serviceIdSchema's error lists the valid ids", () => {
    expect(serviceIdSchema.parse("groq")).toBe("groq");
    const result = serviceIdSchema.safeParse("mistral");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      "Unknown service; expected one of: openai, anthropic, google, groq, xai, aws, custom",
    );
  });
});

describe("catalog entries", () => {
  it("has one entry per id with the expected labels and kinds", () => {
    expect(listServices().map((s) => [s.id, s.label, s.valueKind])).toEqual([
      ["openai", "OpenAI", "string"],
      ["anthropic", "Anthropic", "string"],
      ["google", "Google AI", "string"],
      ["groq", "Groq", "string"],
      ["xai", "xAI", "string"],
      ["aws", "AWS", "aws"],
      ["custom", "Custom endpoint", "string"],
    ]);
  });

  it("names the documented fallback environment variables, in order", () => {
    expect(getService("openai").envVars).toEqual(["OPENAI_API_KEY"]);
    expect(getService("anthropic").envVars).toEqual(["ANTHROPIC_API_KEY"]);
    expect(getService("google").envVars).toEqual(["GOOGLE_GENERATIVE_AI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"]);
    expect(getService("groq").envVars).toEqual(["GROQ_API_KEY"]);
    expect(getService("xai").envVars).toEqual(["XAI_API_KEY"]);
    expect(getService("aws").envVars).toEqual({
      accessKeyId: "AWS_ACCESS_KEY_ID",
      secretAccessKey: "AWS_SECRET_ACCESS_KEY",
      sessionToken: "AWS_SESSION_TOKEN",
      region: "AWS_REGION",
    });
    expect(getService("custom").envVars).toEqual([]);
  });

  it("names KEYHAVEN_<SERVICE>_BASE_URL for every built-in service and none for custom", () => {
    for (const id of SERVICE_IDS) {
      expect(getService(id).baseUrlEnvVar).toBe(id === "custom" ? null : `KEYHAVEN_${id.toUpperCase()}_BASE_URL`);
    }
  });

  it("points to where a key is made, https only", () => {
    for (const s of listServices()) {
      if (s.id === "custom") expect(s.keyPageUrl).toBeNull();
      else expect(new URL(s.keyPageUrl!).protocol).toBe("https:");
    }
    expect(getService("openai").keyPageUrl).toBe("https://platform.openai.com/api-keys");
    expect(getService("anthropic").keyPageUrl).toBe("https://console.anthropic.com/settings/keys");
    expect(getService("google").keyPageUrl).toBe("https://aistudio.google.com/app/apikey");
    expect(getService("groq").keyPageUrl).toBe("https://console.groq.com/keys");
    expect(getService("xai").keyPageUrl).toBe("https://console.x.ai");
    expect(getService("aws").keyPageUrl).toMatch(/^https:\/\/console\.aws\.amazon\.com\/iam\/.*security_credentials/);
  });

  it("has the documented default base URLs", () => {
    expect(getService("aws").defaultBaseUrl).toBe("https://sts.{region}.amazonaws.com");
    expect(getService("custom").defaultBaseUrl).toBeNull();
    expect(getService("google").defaultBaseUrl).toBe("https://generativelanguage.googleapis.com/v1beta");
  });

  it("is frozen, so no caller can change it for everyone", () => {
    const openai = getService("openai");
    expect(() => {
      (openai as { label: string }).label = "Changed";
    }).toThrow(TypeError);
    expect(() => (openai.envVars as string[]).push("X")).toThrow(TypeError);
    expect(getService("openai").label).toBe("OpenAI");
  });

  it("refuses an unknown id as a validation error", () => {
    const err = catchAppError(() => getService("mistral" as ServiceId), "VALIDATION_ERROR");
    expect(err.message).toContain("openai, anthropic");
    catchAppError(() => getService("__proto__" as ServiceId), "VALIDATION_ERROR");
  });
});

describe("publicCatalog", () => {
  it("is plain JSON matching its schema", () => {
    const catalog = publicCatalog();
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
    expect(catalog.map((s) => s.id)).toEqual([...SERVICE_IDS]);
    for (const entry of catalog) {
      expect(publicServiceSchema.parse(entry)).toEqual(entry);
      expect(Object.keys(entry).sort()).toEqual(
        ["configFields", "defaultBaseUrl", "envVars", "formatHint", "id", "keyPageUrl", "keyShape", "label", "valueKind"].sort(),
      );
      expect(entry.formatHint.length).toBeGreaterThan(5);
    }
  });

  it("lists the config fields each service takes", () => {
    const fields = Object.fromEntries(publicCatalog().map((s) => [s.id, s.configFields.map((f) => f.name)]));
    expect(fields).toEqual({
      openai: [],
      anthropic: [],
      google: [],
      groq: [],
      xai: [],
      aws: ["region"],
      custom: ["baseUrl", "headerName", "headerPrefix"],
    });
  });

  it("announces the same defaults normalizeServiceConfig applies", () => {
    const byId = Object.fromEntries(publicCatalog().map((s) => [s.id, s.configFields]));
    const aws = normalizeServiceConfig("aws", {});
    expect(byId.aws.find((f) => f.name === "region")?.default).toBe(aws.region);
    const custom = normalizeServiceConfig("custom", { baseUrl: "https://x.example" });
    expect(byId.custom.find((f) => f.name === "headerName")?.default).toBe(custom.headerName);
    expect(byId.custom.find((f) => f.name === "headerPrefix")?.default).toBe(custom.headerPrefix);
    expect(byId.custom.find((f) => f.name === "baseUrl")?.required).toBe(true);
  });

  it("hands out a fresh copy each time", () => {
    const first = publicCatalog();
    (first[0].envVars as string[]).push("MUTATED");
    first[0].label = "Mutated";
    expect(publicCatalog()[0].label).toBe("OpenAI");
    expect(publicCatalog()[0].envVars).toEqual(["OPENAI_API_KEY"]);
  });
});
