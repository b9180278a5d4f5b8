/**
 * The gateway's other base URLs: Gemini (its own shape: the model in the path, `x-goog-api-key`,
 * `usageMetadata`, `alt=sse` streams), Groq and xAI (OpenAI's format under their own paths, the
 * `openai` SDK pointed at them), each forwarded with the stored key and metered.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase } from "../support/databases.js";
import { FAKE_USAGE, startFakeLlm, type FakeLlm } from "../support/fake-llm-upstream.js";
import { createHttpApp, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("gateway: Gemini, Groq and xAI", (dialect) => {
  let fake: FakeLlm;
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let token: string;
  const googleValue = `AIza${"g".repeat(35)}`;
  const groqValue = `gsk_${"q".repeat(52)}`;
  const xaiValue = `xai-${"x".repeat(80)}`;

  beforeAll(async () => {
    fake = await startFakeLlm();
    h = await createHttpApp(dialect, {
      env: {
        KEYHAVEN_GOOGLE_BASE_URL: `${fake.url}/google/v1beta`,
        // Groq and xAI speak OpenAI's format: the fake answers them on its OpenAI paths.
        KEYHAVEN_GROQ_BASE_URL: `${fake.url}/openai/v1`,
        KEYHAVEN_XAI_BASE_URL: `${fake.url}/openai/v1`,
        KEYHAVEN_USAGE_FLUSH_MS: "50",
      },
    });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    alice = await h.signUp();
    await h.createKey(alice, { name: "g", service: "google", value: googleValue });
    await h.createKey(alice, { name: "q", service: "groq", value: groqValue });
    await h.createKey(alice, { name: "x", service: "xai", value: xaiValue });
    token = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gw", scopes: ["resolve"] } }), 201)).token;
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  const lastRow = async () => {
    await new Promise((r) => setTimeout(r, 200));
    return h.runtime.database.db.selectFrom("gateway_requests").selectAll().orderBy("at", "desc").executeTakeFirstOrThrow();
  };
  const gemini = (method: string, query = "") =>
    fetch(`${server.url}/gateway/google/v1beta/models/gemini-2.0-flash:${method}${query}`, {
      method: "POST",
      headers: { "x-goog-api-key": token, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 64 } }),
    });

  it("Gemini generateContent: the key in x-goog-api-key, usage from usageMetadata, the model from the path", async () => {
    const before = fake.received.length;
    const res = await gemini("generateContent");
    expect(res.status).toBe(200);
    expect((await res.json()).candidates[0].content.parts[0].text).toBe("hello from fake");
    expect(fake.received[before].headers["x-goog-api-key"]).toBe(googleValue);
    expect(Number(res.headers.get("x-keyhaven-cost-usd"))).toBeGreaterThan(0);
    expect(await lastRow()).toMatchObject({ service: "google", model: "gemini-2.0-flash", input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, estimated: null });
  });

  it("Gemini streamGenerateContent?alt=sse: relayed as SSE, metered from its last usageMetadata", async () => {
    const res = await gemini("streamGenerateContent", "?alt=sse");
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await res.text();
    expect(text.match(/^data: /gm)).toHaveLength(2);
    expect(await lastRow()).toMatchObject({ service: "google", input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, estimated: null });
  });

  it("Groq and xAI through the openai SDK: each service's stored key goes upstream", async () => {
    for (const [service, path, value] of [
      ["groq", "groq/openai/v1", groqValue],
      ["xai", "xai/v1", xaiValue],
    ] as const) {
      const before = fake.received.length;
      const client = new OpenAI({ baseURL: `${server.url}/gateway/${path}`, apiKey: token, maxRetries: 0 });
      const reply = await client.chat.completions.create({ model: "llama-3.3-70b-versatile", messages: [{ role: "user", content: "hi" }] });
      expect(reply.choices[0].message.content).toBe("hello from fake");
      expect(fake.received[before].headers.authorization).toBe(`Bearer ${value}`);
      expect(await lastRow()).toMatchObject({ service, output_tokens: FAKE_USAGE.output });
    }
  });

  it("a path under no gateway base URL: 404 naming the base URLs", async () => {
    const res = await fetch(`${server.url}/gateway/mistral/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/\/gateway\/openai\/v1/);
  });
});
