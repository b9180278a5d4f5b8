import { describe, expect, it } from "vitest";
import { normalizeServiceConfig, type ServiceId } from "../../src/services/index.js";
import { catchAppError } from "./helpers.js";

const ALLOW = { allowHttpHosts: ["localhost", "127.0.0.1", "llm.internal", "::1"] };

describe("custom config", () => {
  it("requires baseUrl", () => {
    for (const config of [undefined, null, {}, { headerName: "X-Api-Key" }]) {
      const err = catchAppError(() => normalizeServiceConfig("custom", config), "VALIDATION_ERROR");
      expect(err.status).toBe(400);
      expect(err.details).toContainEqual({ path: "config.baseUrl", message: "is required" });
    }
  });

  it("accepts https, fills header defaults and removes the trailing slash", () => {
    expect(normalizeServiceConfig("custom", { baseUrl: "https://llm.example.com/v1/" })).toEqual({
      baseUrl: "https://llm.example.com/v1",
      headerName: "Authorization",
      headerPrefix: "Bearer ",
    });
    expect(normalizeServiceConfig("custom", { baseUrl: "  https://LLM.Example.com:8443//  " }).baseUrl).toBe(
      "https://llm.example.com:8443",
    );
  });

  it("keeps a configured header name and prefix, including an empty prefix", () => {
    expect(
      normalizeServiceConfig("custom", { baseUrl: "https://x.example", headerName: "X-Api-Key", headerPrefix: "" }),
    ).toEqual({ baseUrl: "https://x.example", headerName: "X-Api-Key", headerPrefix: "" });
  });

  it("refuses plain http unless the operator allows the host", () => {
    const err = catchAppError(
      () => normalizeServiceConfig("custom", { baseUrl: "http://llm.example.com/v1" }, ALLOW),
      "VALIDATION_ERROR",
    );
    expect(err.details?.[0]?.path).toBe("config.baseUrl");
    expect(err.details?.[0]?.message).toMatch(/https/);
    catchAppError(() => normalizeServiceConfig("custom", { baseUrl: "http://localhost:8080/v1" }), "VALIDATION_ERROR");
    catchAppError(() => normalizeServiceConfig("custom", { baseUrl: "http://localhost:8080/v1" }, { allowHttpHosts: [] }), "VALIDATION_ERROR");
  });

  it("accepts plain http to an allowed host, whatever its case or port", () => {
    expect(normalizeServiceConfig("custom", { baseUrl: "http://localhost:8080/v1/" }, ALLOW).baseUrl).toBe(
      "http://localhost:8080/v1",
    );
    expect(normalizeServiceConfig("custom", { baseUrl: "http://LLM.internal/api" }, ALLOW).baseUrl).toBe(
      "http://llm.internal/api",
    );
    expect(normalizeServiceConfig("custom", { baseUrl: "http://[::1]:9000" }, ALLOW).baseUrl).toBe("http://[::1]:9000");
  });

  it("does not let a look-alike host ride on an allowed one", () => {
    for (const baseUrl of ["http://localhost.evil.example/v1", "http://evil.example/localhost", "http://127.0.0.1.nip.io"]) {
      catchAppError(() => normalizeServiceConfig("custom", { baseUrl }, ALLOW), "VALIDATION_ERROR");
    }
  });

  it("refuses credentials, other schemes, queries, fragments and non-URLs", () => {
    const bad: Array<[string, RegExp]> = [
      ["https://user:pass@llm.example.com/v1", /credentials/],
      ["https://user@llm.example.com/v1", /credentials/],
      ["ftp://llm.example.com", /https/],
      ["file:///etc/passwd", /https/],
      ["javascript:alert(1)", /https/],
      ["https://llm.example.com/v1?api-version=1", /query/],
      ["https://llm.example.com/v1#x", /fragment/],
      ["llm.example.com/v1", /absolute URL/],
      ["", /required/],
    ];
    for (const [baseUrl, message] of bad) {
      const err = catchAppError(() => normalizeServiceConfig("custom", { baseUrl }, ALLOW), "VALIDATION_ERROR");
      expect(err.details?.[0]?.path).toBe("config.baseUrl");
      expect(err.details?.[0]?.message).toMatch(message);
      expect(err.message).not.toContain("pass");
    }
  });

  it("refuses a header name that is not an HTTP token or controls the request", () => {
    for (const headerName of ["X Api Key", "X-Api-Key:", "Bad\r\nX-Injected", "", "Host", "content-length", "Transfer-Encoding", "Ä-Key"]) {
      const err = catchAppError(
        () => normalizeServiceConfig("custom", { baseUrl: "https://x.example", headerName }),
        "VALIDATION_ERROR",
      );
      expect(err.details).toEqual([expect.objectContaining({ path: "config.headerName" })]);
    }
  });

  it("refuses a header prefix with CR/LF or control characters", () => {
    for (const headerPrefix of ["Bearer\r\n", "Bearer\nX-Evil: 1 ", "Token\u0000"]) {
      const err = catchAppError(
        () => normalizeServiceConfig("custom", { baseUrl: "https://x.example", headerPrefix }),
        "VALIDATION_ERROR",
      );
      expect(err.details).toEqual([expect.objectContaining({ path: "config.headerPrefix" })]);
    }
  });

  it("reports every problem at once", () => {
    const err = catchAppError(
      () => normalizeServiceConfig("custom", { baseUrl: "ftp://x", headerName: "a b", extra: 1 }),
      "VALIDATION_ERROR",
    );
    expect(err.details?.map((d) => d.path).sort()).toEqual(["config.baseUrl", "config.extra", "config.headerName"]);
  });
});

describe("aws config", () => {
  it("defaults the region to us-east-1", () => {
    expect(normalizeServiceConfig("aws", undefined)).toEqual({ region: "us-east-1" });
    expect(normalizeServiceConfig("aws", {})).toEqual({ region: "us-east-1" });
  });

  it.each(["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4", "cn-north-1", "il-central-1"])(
    "accepts %s",
    (region) => {
      expect(normalizeServiceConfig("aws", { region: ` ${region} ` })).toEqual({ region });
    },
  );

  it.each(["US-EAST-1", "useast1", "us-east", "us-east-1.evil.example", "us-east-1/", "", "east-1", "us_east_1"])(
    "refuses %j",
    (region) => {
      const err = catchAppError(() => normalizeServiceConfig("aws", { region }), "VALIDATION_ERROR");
      expect(err.details?.[0]?.path).toBe("config.region");
    },
  );

  it("refuses a non-string region and unknown fields", () => {
    expect(catchAppError(() => normalizeServiceConfig("aws", { region: 1 }), "VALIDATION_ERROR").details?.[0]?.path).toBe(
      "config.region",
    );
    const err = catchAppError(() => normalizeServiceConfig("aws", { region: "us-east-1", baseUrl: "https://x" }), "VALIDATION_ERROR");
    expect(err.details).toEqual([{ path: "config.baseUrl", message: expect.stringMatching(/unknown field.*region/) }]);
  });
});

describe("services without config", () => {
  const plain: ServiceId[] = ["openai", "anthropic", "google", "groq", "xai"];

  it.each(plain)("%s takes {} (and null/undefined as {})", (service) => {
    expect(normalizeServiceConfig(service, {})).toEqual({});
    expect(normalizeServiceConfig(service, undefined)).toEqual({});
    expect(normalizeServiceConfig(service, null)).toEqual({});
  });

  it.each(plain)("%s refuses unknown fields instead of dropping them", (service) => {
    const err = catchAppError(() => normalizeServiceConfig(service, { baseUrl: "https://x", region: "us-east-1" }), "VALIDATION_ERROR");
    expect(err.details?.map((d) => d.path)).toEqual(["config.baseUrl", "config.region"]);
    expect(err.details?.[0]?.message).toMatch(/takes no config/);
  });

  it.each([["a string", "abc"], ["an array", []], ["a number", 3]] as const)("refuses %s as config", (_label, config) => {
    const err = catchAppError(() => normalizeServiceConfig("openai", config), "VALIDATION_ERROR");
    expect(err.details).toEqual([{ path: "config", message: "must be an object" }]);
  });
});
