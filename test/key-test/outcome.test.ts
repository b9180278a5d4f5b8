import { describe, expect, it } from "vitest";
import {
  MAX_PROVIDER_MESSAGE_LENGTH,
  outcomeForFailure,
  outcomeForResponse,
  providerMessage,
  redactSecrets,
  type GuardedResponse,
} from "../../src/key-test/index.js";
import { expectNoSecretIn } from "./helpers.js";

const KEY = "sk-proj-Zq8vR2mK9xT4wL7nB3cY6hJ1";
const URL_ = new URL("https://api.example.com/v1/models");

function response(status: number, body: unknown = "", headers: GuardedResponse["headers"] = {}): GuardedResponse {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { status, headers, body: Buffer.from(text), truncated: false };
}

describe("redactSecrets", () => {
  it("hides the whole key", () => {
    expect(redactSecrets(`Incorrect API key provided: ${KEY}.`, [KEY])).toBe("Incorrect API key provided: [redacted].");
  });
  it("hides any 8-character piece of it, in any case", () => {
    const out = redactSecrets(`key ends ${KEY.slice(-10)} and starts ${KEY.slice(0, 12).toUpperCase()}`, [KEY]);
    expect(out).toBe("key ends [redacted] and starts [redacted]");
  });
  it("leaves a masked key alone when it shares fewer than 8 characters with the key", () => {
    expect(redactSecrets("Incorrect API key provided: sk-****hJ1", [KEY])).toBe("Incorrect API key provided: sk-****hJ1");
  });
  it("hides short secrets whole", () => {
    expect(redactSecrets("token abc123 refused", ["abc123"])).toBe("token [redacted] refused");
  });
  it("handles several secrets (AWS)", () => {
    const id = "AKIAIOSFODNN7EXAMPLE";
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    expect(redactSecrets(`${id} / ${secret}`, [id, secret])).toBe("[redacted] / [redacted]");
  });
});

describe("providerMessage", () => {
  it.each([
    ["OpenAI / Groq / xAI", { error: { message: "Incorrect API key provided", type: "invalid_request_error" } }, "Incorrect API key provided"],
    ["Anthropic", { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }, "invalid x-api-key"],
    ["Google", { error: { code: 400, message: "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT" } }, "API key not valid. Please pass a valid API key."],
    ["a string error", { error: "wrong auth" }, "wrong auth"],
    ["a top-level message", { message: "Unauthorized" }, "Unauthorized"],
    ["a detail", { detail: "Not authenticated" }, "Not authenticated"],
  ])("%s", (_name, body, expected) => {
    expect(providerMessage(Buffer.from(JSON.stringify(body)), [KEY])).toBe(expected);
  });

  it("AWS XML: code and message", () => {
    const xml =
      "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>";
    expect(providerMessage(Buffer.from(xml), [KEY])).toBe("InvalidClientTokenId: The security token included in the request is invalid.");
  });

  it("is one line, bounded to 200 characters", () => {
    const long = `line one\nline\ttwo\u0000 ${"x".repeat(500)}`;
    const message = providerMessage(Buffer.from(JSON.stringify({ error: { message: long } })), [KEY])!;
    expect(message.length).toBe(MAX_PROVIDER_MESSAGE_LENGTH);
    expect(message.startsWith("line one line two x")).toBe(true);
    expect(message.endsWith("…")).toBe(true);
  });

  it("never quotes the key, even truncated around it", () => {
    const body = { error: { message: `${"a".repeat(185)} ${KEY}` } };
    const message = providerMessage(Buffer.from(JSON.stringify(body)), [KEY])!;
    expectNoSecretIn(message, KEY);
  });

  it("is undefined for a body without one", () => {
    expect(providerMessage(Buffer.from("<html>nope</html>"), [KEY])).toBeUndefined();
    expect(providerMessage(Buffer.from(""), [KEY])).toBeUndefined();
    expect(providerMessage(Buffer.from(JSON.stringify({ ok: false })), [KEY])).toBeUndefined();
  });
});

describe("outcomeForResponse", () => {
  it.each([200, 204])("%d → valid", (status) => {
    expect(outcomeForResponse(response(status), URL_, [KEY])).toEqual({ status: "valid", message: "Key is valid" });
  });

  it("429 → valid, rate limited", () => {
    expect(outcomeForResponse(response(429), URL_, [KEY])).toEqual({
      status: "valid",
      message: "Key is valid, but the provider is rate limiting it right now (HTTP 429)",
    });
  });

  it.each([401, 403])("%d → invalid, with the provider's words and the key redacted", (status) => {
    const body = { error: { message: `Incorrect API key provided: ${KEY}. See https://platform.openai.com.` } };
    const outcome = outcomeForResponse(response(status, body), URL_, [KEY]);
    expect(outcome).toEqual({
      status: "invalid",
      message: `The provider rejected the key (HTTP ${status}): Incorrect API key provided: [redacted]. See https://platform.openai.com.`,
    });
  });

  it("401 without a body → invalid", () => {
    expect(outcomeForResponse(response(401), URL_, [KEY])).toEqual({ status: "invalid", message: "The provider rejected the key (HTTP 401)" });
  });

  it("Google's 400 API_KEY_INVALID → invalid", () => {
    const body = {
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
      },
    };
    expect(outcomeForResponse(response(400, body), URL_, [KEY]).status).toBe("invalid");
  });

  it("xAI's 400 Incorrect API key → invalid", () => {
    const body = { code: "Client specified an invalid argument", error: "Incorrect API key provided: xa***Q. You can obtain an API key from https://console.x.ai." };
    expect(outcomeForResponse(response(400, body), URL_, [KEY]).status).toBe("invalid");
  });

  it("another 400 → error", () => {
    expect(outcomeForResponse(response(400, { error: "wrong auth" }), URL_, [KEY])).toEqual({
      status: "error",
      message: "Unexpected answer from the provider (HTTP 400): wrong auth",
    });
  });

  it("404 → error, check the base URL", () => {
    expect(outcomeForResponse(response(404), URL_, [KEY])).toEqual({
      status: "error",
      message: "The endpoint has no models list (HTTP 404); check the base URL",
    });
  });

  it.each([500, 502, 503])("%d → error", (status) => {
    expect(outcomeForResponse(response(status, { error: { message: "overloaded" } }), URL_, [KEY])).toEqual({
      status: "error",
      message: `The provider failed with a server error (HTTP ${status}); try again later: overloaded`,
    });
  });

  it.each([301, 302, 307, 308])("%d → error, redirect not followed", (status) => {
    const outcome = outcomeForResponse(response(status, "", { location: "/v2/models?x=1" }), URL_, [KEY]);
    expect(outcome).toEqual({
      status: "error",
      message: `The endpoint redirected (HTTP ${status} to https://api.example.com/v2/models); redirects are not followed, check the base URL`,
    });
  });

  it("a redirect that carries the key does not repeat it", () => {
    const outcome = outcomeForResponse(response(302, "", { location: `https://evil.example/${KEY}` }), URL_, [KEY]);
    expect(outcome.message).toContain("to https://evil.example/[redacted])");
    expectNoSecretIn(outcome.message, KEY);
  });
});

describe("outcomeForFailure", () => {
  const err = (code: string, message = `boom ${KEY}`) => Object.assign(new Error(message), { code });

  it.each([
    ["timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "The provider did not answer within 10 s"],
    ["ENOTFOUND", err("ENOTFOUND"), "Could not resolve api.example.com (DNS lookup failed: ENOTFOUND)"],
    ["EAI_AGAIN", err("EAI_AGAIN"), "Could not resolve api.example.com (DNS lookup failed: EAI_AGAIN)"],
    ["ECONNREFUSED", err("ECONNREFUSED"), "Could not connect to api.example.com: connection refused"],
    ["AggregateError of ECONNREFUSED", new AggregateError([err("ECONNREFUSED"), err("ECONNREFUSED")]), "Could not connect to api.example.com: connection refused"],
    ["ECONNRESET", err("ECONNRESET"), "The connection to api.example.com was closed before the provider answered"],
    ["EHOSTUNREACH", err("EHOSTUNREACH"), "Could not reach api.example.com (EHOSTUNREACH)"],
    ["CERT_HAS_EXPIRED", err("CERT_HAS_EXPIRED"), "Secure connection to api.example.com failed (CERT_HAS_EXPIRED)"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", err("ERR_TLS_CERT_ALTNAME_INVALID"), "Secure connection to api.example.com failed (ERR_TLS_CERT_ALTNAME_INVALID)"],
    ["HPE_INVALID_CONSTANT", err("HPE_INVALID_CONSTANT"), "The endpoint at api.example.com sent an invalid HTTP answer (HPE_INVALID_CONSTANT)"],
    ["an error without a code", new Error(`something with ${KEY}`), "The request to api.example.com failed"],
  ])("%s", (_name, error, message) => {
    const outcome = outcomeForFailure(error, URL_, 10_000);
    expect(outcome).toEqual({ status: "error", message });
    expectNoSecretIn(outcome.message, KEY);
  });
});
