import { describe, expect, it } from "vitest";
import { ApiError, apiErrorFromResponse, errorMessage, parseRetryAfter } from "../../src/react/api-error.js";
import { createKeyhavenClient } from "../../src/react/client.js";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("apiErrorFromResponse", () => {
  it("reads Keyhaven's error shape", async () => {
    const err = await apiErrorFromResponse(json(400, { error: { code: "INVALID_KEY_FORMAT", message: "Invalid API key format: …", details: [{ path: "value", message: "bad" }] } }));
    expect(err).toMatchObject({ status: 400, code: "INVALID_KEY_FORMAT", message: "Invalid API key format: …" });
    expect(err.details).toHaveLength(1);
  });
  it("reads better-auth's error shape", async () => {
    const err = await apiErrorFromResponse(json(401, { code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" }));
    expect(errorMessage(err)).toBe("Invalid email or password");
  });
  it("turns 429 into a wait time from Retry-After or X-Retry-After", async () => {
    expect(errorMessage(await apiErrorFromResponse(json(429, { message: "Too many requests." }, { "x-retry-after": "42" })))).toBe(
      "Too many attempts, try again in 42 seconds",
    );
    expect(errorMessage(await apiErrorFromResponse(json(429, { error: { code: "RATE_LIMITED", message: "slow down" } }, { "retry-after": "1" })))).toBe(
      "Too many attempts, try again in 1 second",
    );
  });
  it("survives a body that is not JSON", async () => {
    const err = await apiErrorFromResponse(new Response("<html>", { status: 502, statusText: "Bad Gateway" }));
    expect(err).toMatchObject({ status: 502, code: "INTERNAL", message: "Bad Gateway" });
  });
});

describe("parseRetryAfter", () => {
  it("takes seconds or an HTTP date", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("client", () => {
  it("sends JSON with same-origin cookies and throws ApiError on failure", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const client = createKeyhavenClient({
      baseUrl: "http://kh.test/",
      fetch: async (url, init) => {
        calls.push({ url, init });
        return url.endsWith("/api/api-keys") && init.method === "POST"
          ? json(201, { id: "key_1" })
          : json(404, { error: { code: "NOT_FOUND", message: "API key not found" } });
      },
    });
    await expect(client.createApiKey({ name: "n", service: "openai", value: "sk-x" })).resolves.toEqual({ id: "key_1" });
    expect(calls[0]).toMatchObject({ url: "http://kh.test/api/api-keys", init: { method: "POST", credentials: "same-origin" } });
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ name: "n", service: "openai", value: "sk-x" });
    const err = await client.revealApiKey("key/2").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(calls[1].url).toBe("http://kh.test/api/api-keys/key%2F2?includeValue=true");
  });
  it("reports a network failure as status 0 with a readable message", async () => {
    const client = createKeyhavenClient({ fetch: async () => { throw new TypeError("Failed to fetch"); } });
    const err = await client.listApiKeys().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: "NETWORK_ERROR" });
    expect(errorMessage(err)).toMatch(/Can't reach/);
  });
  it("treats a null session as signed out", async () => {
    const client = createKeyhavenClient({ fetch: async () => json(200, null) });
    await expect(client.auth.getSession()).resolves.toBeNull();
  });
});
