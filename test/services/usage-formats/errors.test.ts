import { describe, expect, it } from "vitest";
import { USAGE_FORMATS } from "../../../src/services/usage-formats/index.js";

/** The errors Keyhaven itself answers with, as (HTTP status, code). */
const CASES: Array<[number, string]> = [
  [400, "invalid_request"],
  [401, "invalid_api_key"],
  [403, "forbidden"],
  [404, "no_key"],
  [413, "too_large"],
  [429, "rate_limit_exceeded"],
  [429, "budget_exceeded"],
  [500, "internal"],
  [502, "upstream_error"],
  [503, "unavailable"],
  [504, "upstream_timeout"],
];

describe("errorBody: each provider's own error shape, as its SDK reads it", () => {
  it("openai: {error:{message,type,param:null,code}} (the openai SDK reads error.message/type/code)", () => {
    const types = CASES.map(([status, code]) => {
      const body = USAGE_FORMATS.openai.errorBody(status, `m${status}`, code) as { error: Record<string, unknown> };
      expect(Object.keys(body)).toEqual(["error"]);
      expect(body.error).toEqual({ message: `m${status}`, type: expect.any(String), param: null, code });
      return `${status}/${code}: ${body.error.type as string}`;
    });
    expect(types).toEqual([
      "400/invalid_request: invalid_request_error",
      "401/invalid_api_key: invalid_request_error",
      "403/forbidden: invalid_request_error",
      "404/no_key: invalid_request_error",
      "413/too_large: invalid_request_error",
      "429/rate_limit_exceeded: requests",
      "429/budget_exceeded: insufficient_quota",
      "500/internal: server_error",
      "502/upstream_error: server_error",
      "503/unavailable: server_error",
      "504/upstream_timeout: server_error",
    ]);
  });

  it("anthropic: {type:'error',error:{type,message}} with the documented types", () => {
    const types = CASES.map(([status, code]) => {
      const body = USAGE_FORMATS.anthropic.errorBody(status, "msg", code) as { type: string; error: { type: string; message: string } };
      expect(body).toEqual({ type: "error", error: { type: expect.any(String), message: "msg" } });
      return `${status}: ${body.error.type}`;
    });
    expect(types).toEqual([
      "400: invalid_request_error",
      "401: authentication_error",
      "403: permission_error",
      "404: not_found_error",
      "413: invalid_request_error",
      "429: rate_limit_error",
      "429: rate_limit_error",
      "500: api_error",
      "502: api_error",
      "503: overloaded_error",
      "504: api_error",
    ]);
  });

  it("gemini: {error:{code:<status>,message,status}} with Google's canonical statuses", () => {
    const statuses = CASES.map(([status, code]) => {
      const body = USAGE_FORMATS.gemini.errorBody(status, "msg", code) as { error: { code: number; message: string; status: string } };
      expect(body).toEqual({ error: { code: status, message: "msg", status: expect.any(String) } });
      return `${status}: ${body.error.status}`;
    });
    expect(statuses).toEqual([
      "400: INVALID_ARGUMENT",
      "401: UNAUTHENTICATED",
      "403: PERMISSION_DENIED",
      "404: NOT_FOUND",
      "413: INVALID_ARGUMENT",
      "429: RESOURCE_EXHAUSTED",
      "429: RESOURCE_EXHAUSTED",
      "500: INTERNAL",
      "502: UNAVAILABLE",
      "503: UNAVAILABLE",
      "504: DEADLINE_EXCEEDED",
    ]);
    // A timeout Keyhaven reports with another status is still a deadline.
    expect((USAGE_FORMATS.gemini.errorBody(502, "late", "upstream_timeout") as { error: { status: string } }).error.status).toBe("DEADLINE_EXCEEDED");
  });

  it("every body survives JSON", () => {
    for (const format of Object.values(USAGE_FORMATS)) {
      const body = format.errorBody(429, 'quota "x" — é', "rate_limit_exceeded");
      expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    }
  });
});
