/**
 * The gateway when things go wrong: a caller who leaves mid-stream (the upstream request ends at
 * once, the ledger says the tokens are estimated), a provider that hangs, resets or sends
 * malformed SSE, a very large answer (relayed without holding it), no key, a revoked token, a
 * token in the URL, an unpriced model under a budget, a custom endpoint whose name now points
 * inside the network — each a clear answer in the provider's own shape, never a crash, and the
 * stored key in no answer and no log line.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase } from "../support/databases.js";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm-upstream.js";
import { createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { mapLookup } from "../support/map-lookup.js";

const PUBLIC_IP = "93.184.216.34";
const BIG = 256 * 2 ** 20;

describeEachDatabase("gateway faults", (dialect) => {
  let fake: FakeLlm;
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let token: string;
  let keyValue: string;
  let keyId: string;
  const lookup = mapLookup({ "llm.example.com": [PUBLIC_IP] });

  beforeAll(async () => {
    fake = await startFakeLlm({ chunks: 200, chunkDelayMs: 5, bigBytes: BIG });
    h = await createHttpApp(dialect, {
      logLevel: "debug",
      lookup,
      env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai/v1`, KEYHAVEN_GATEWAY_TIMEOUT_MS: "400", KEYHAVEN_USAGE_FLUSH_MS: "50", KEYHAVEN_GATEWAY_MAX_BODY_BYTES: String(256 * 1024) },
    });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    alice = await h.signUp();
    keyValue = openaiKey();
    keyId = (await h.createKey(alice, { name: "o", service: "openai", value: keyValue })).id;
    token = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gw", scopes: ["resolve"] } }), 201)).token;
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${server.url}/gateway/openai/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
    });
  const lastRow = async () => {
    await new Promise((r) => setTimeout(r, 300));
    return h.runtime.database.db.selectFrom("gateway_requests").selectAll().orderBy("at", "desc").executeTakeFirstOrThrow();
  };
  const until = async (what: () => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return what();
  };

  it("a caller who disconnects mid-stream: the upstream request ends at once; the ledger records estimated tokens", async () => {
    const aborted = fake.aborted;
    const ac = new AbortController();
    const res = await post("/chat/completions", { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] }, {}, ac.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ac.abort();
    expect(await until(() => fake.aborted > aborted, 2_000)).toBe(true);
    const row = await lastRow();
    expect(row.status).toBe(200);
    expect(row.estimated).toMatch(/cut short/);
    expect(row.output_tokens).toBeGreaterThan(0);
  });

  it("a provider that never answers: 504 in OpenAI's shape after the configured timeout", async () => {
    fake.mode = "hang";
    try {
      const res = await post("/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      expect(res.status).toBe(504);
      const body = await res.json();
      expect(body.error.message).toMatch(/did not answer within/);
      expect(body.error.code).toBe("upstream_timeout");
    } finally {
      fake.mode = "normal";
    }
  });

  it("a provider that resets mid-stream: the stream ends in an error for the caller; the server stays up", async () => {
    fake.mode = "reset";
    try {
      const res = await post("/chat/completions", { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
      await expect(res.text()).rejects.toThrow();
    } finally {
      fake.mode = "normal";
    }
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await lastRow()).estimated).toMatch(/cut short/);
  });

  it("malformed SSE is relayed as it came; usage unknown, so estimated", async () => {
    fake.mode = "malformed";
    try {
      const res = await post("/chat/completions", { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain("data: {not json");
      expect(text).toContain("[DONE]");
    } finally {
      fake.mode = "normal";
    }
    expect((await lastRow()).estimated).toMatch(/no usage/);
  });

  // The relay is the same on both databases: run once.
  it.runIf(dialect === "sqlite")("a 256 MiB answer is relayed as it is read: a caller who stops reading stops the provider too", async () => {
    const res = await fetch(`${server.url}/gateway/openai/v1/files/big/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    let bytes = 0;
    let aheadWhilePaused = -1;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (aheadWhilePaused < 0 && bytes >= 16 * 2 ** 20) {
        // The caller stops reading. A relay that held the answer would go on reading all of it from
        // the provider; one that streams stops once the socket buffers on the way are full.
        await new Promise((r) => setTimeout(r, 250)); // under this server's 400 ms idle timeout
        aheadWhilePaused = fake.bigWritten - bytes;
      }
    }
    expect(bytes).toBe(BIG);
    expect(aheadWhilePaused).toBeGreaterThanOrEqual(0);
    expect(aheadWhilePaused).toBeLessThan(BIG / 4);
  });

  it.runIf(dialect === "sqlite")("a JSON answer too large to read whole (over 16 MiB) is relayed on, every byte, unpriced", async () => {
    const res = await fetch(`${server.url}/gateway/openai/v1/files/big/content?json=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    expect(bytes).toBe(BIG);
    const row = await lastRow();
    expect(row).toMatchObject({ status: 200, model: null, cost_nano_usd: null });
  });

  it("a JSON body over KEYHAVEN_GATEWAY_MAX_BODY_BYTES: 413 in the provider's shape, nothing forwarded", async () => {
    const before = fake.received.length;
    const res = await post("/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(300 * 1024) }] });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/larger than the gateway reads/);
    expect(fake.received.length).toBe(before);
  });

  it("no key for the service: 404 in the provider's shape", async () => {
    const res = await fetch(`${server.url}/gateway/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": token, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-x", max_tokens: 5, messages: [] }),
    });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    expect(body.error.message).toMatch(/No anthropic key/);
  });

  it("a revoked token: 401; a token in the URL: 400 and nothing forwarded", async () => {
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "soon revoked", scopes: ["resolve"] } }), 201);
    expect((await h.request("DELETE", `/api/tokens/${made.accessToken.id}`, { cookie: alice.cookie })).status).toBe(204);
    const res = await post("/chat/completions", { model: "gpt-4o-mini", messages: [] }, { authorization: `Bearer ${made.token}` });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("invalid_api_key");
    const before = fake.received.length;
    const inUrl = await fetch(`${server.url}/gateway/google/v1beta/models/gemini-2.0-flash:generateContent?key=${token}`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(inUrl.status).toBe(400);
    expect(fake.received.length).toBe(before);
  });

  it("a token without the resolve scope: 403", async () => {
    const readOnly = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ro", scopes: ["keys:read"] } }), 201)).token;
    const res = await post("/chat/completions", { model: "gpt-4o-mini", messages: [] }, { authorization: `Bearer ${readOnly}` });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/resolve/);
  });

  it("an unpriced model under a budget is refused (403, naming the way out); without a budget it runs, cost recorded as null", async () => {
    const free = await post("/chat/completions", { model: "kh-unpriced-model", messages: [{ role: "user", content: "hi" }] });
    expect(free.status).toBe(200);
    expect(free.headers.get("x-keyhaven-cost-usd")).toBe("unknown");
    expect((await lastRow()).cost_nano_usd).toBeNull();
    await jsonOf(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits: { budget: { usd: 5, period: "month" } } } }), 200);
    try {
      const res = await post("/chat/completions", { model: "kh-unpriced-model", messages: [{ role: "user", content: "hi" }] });
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toMatch(/no price.*KEYHAVEN_PRICES_FILE.*KEYHAVEN_GATEWAY_ALLOW_UNPRICED/);
    } finally {
      await jsonOf(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits: null } }), 200);
    }
  });

  it("a custom endpoint whose name now resolves inside the network is refused before anything is sent", async () => {
    const custom = await h.createKey(alice, { name: "c", service: "custom", value: "custom-secret-value-123456", config: { baseUrl: "https://llm.example.com/v1" } });
    lookup.answers["llm.example.com"] = ["10.0.0.7"];
    const res = await fetch(`${server.url}/gateway/custom/${custom.id}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "x", messages: [] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/private address|not allowed/);
    lookup.answers["llm.example.com"] = [PUBLIC_IP];
  });

  it("the stored key appears in no answer and no log line", () => {
    const logs = h.logs.join("\n");
    expect(logs).not.toContain(keyValue);
    expect(logs).not.toContain(token);
  });
});
