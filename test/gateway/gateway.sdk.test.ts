/**
 * The gateway through the official SDKs: `openai` and `@anthropic-ai/sdk` pointed at Keyhaven
 * with a kh_ token as their API key, the fake provider behind it. What the provider receives is
 * checked (the stored key, never the token), what the SDK gets back is the provider's answer,
 * and each request lands in the ledger with the usage the answer reported.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase } from "../support/databases.js";
import { FAKE_USAGE, startFakeLlm, type FakeLlm } from "../support/fake-llm-upstream.js";
import { anthropicKey, createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("gateway through the official SDKs", (dialect) => {
  let fake: FakeLlm;
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let token: string;
  let openaiValue: string;
  let anthropicValue: string;
  let openaiKeyId: string;

  beforeAll(async () => {
    fake = await startFakeLlm();
    h = await createHttpApp(dialect, {
      env: {
        KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai/v1`,
        KEYHAVEN_ANTHROPIC_BASE_URL: `${fake.url}/anthropic/v1`,
        KEYHAVEN_GOOGLE_BASE_URL: `${fake.url}/google/v1beta`,
      },
    });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    alice = await h.signUp();
    openaiValue = openaiKey();
    anthropicValue = anthropicKey();
    openaiKeyId = (await h.createKey(alice, { name: "o", service: "openai", value: openaiValue })).id;
    await h.createKey(alice, { name: "a", service: "anthropic", value: anthropicValue });
    token = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gw", scopes: ["resolve"] } }), 201)).token;
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  const openai = () => new OpenAI({ baseURL: `${server.url}/gateway/openai/v1`, apiKey: token, maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: `${server.url}/gateway/anthropic`, apiKey: token, maxRetries: 0 });
  const ledger = async () => {
    await h.runtime.database.db.selectFrom("gateway_requests").select("id").execute(); // (no-op read keeps the order obvious)
    return h.runtime.database.db.selectFrom("gateway_requests").selectAll().orderBy("at", "desc").execute();
  };

  it("OpenAI, not streamed: the provider gets the stored key, the SDK the provider's answer; usage and cost recorded", async () => {
    const before = fake.received.length;
    const { data, response } = await openai().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.choices[0].message.content).toBe("hello from fake");
    expect(data.usage?.prompt_tokens).toBe(FAKE_USAGE.input);
    const got = fake.received[before];
    expect(got.headers.authorization).toBe(`Bearer ${openaiValue}`);
    expect(JSON.stringify(got.headers)).not.toContain(token);
    expect(response.headers.get("x-keyhaven-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers.get("x-keyhaven-cost-usd"))).toBeGreaterThan(0);
    expect(response.headers.get("x-fake")).toBe("yes");
    await h.app.request("/"); // nothing: the ledger is flushed next
    await flush(h);
    const [row] = await ledger();
    expect(row).toMatchObject({ service: "openai", model: "gpt-4o-mini", status: 200, input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, cached_tokens: FAKE_USAGE.cached, estimated: null, key_id: openaiKeyId });
    expect(Number(row.cost_nano_usd)).toBeGreaterThan(0);
  });

  it("OpenAI, streamed: chunks relayed; include_usage added upstream and its extra chunk kept from a caller who did not ask", async () => {
    const before = fake.received.length;
    const stream = await openai().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    let text = "";
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe("w0 w1 w2 ");
    expect(sawUsage).toBe(false);
    expect(JSON.parse(fake.received[before].body).stream_options).toEqual({ include_usage: true });
    await flush(h);
    const [row] = await ledger();
    expect(row).toMatchObject({ input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, estimated: null });
  });

  it("OpenAI, streamed, the caller asking for usage: it gets the usage chunk", async () => {
    const stream = await openai().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: FAKE_USAGE.input, completion_tokens: FAKE_USAGE.output });
  });

  it("OpenAI: a listing (no model) passes through", async () => {
    const models = await openai().models.list();
    expect(models.data.map((m) => m.id)).toEqual(["gpt-4o-mini"]);
  });

  it("Anthropic, not streamed and streamed: x-api-key replaced by the stored key; usage from message_start + message_delta", async () => {
    const before = fake.received.length;
    const msg = await anthropic().messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "hello from fake" });
    expect(fake.received[before].headers["x-api-key"]).toBe(anthropicValue);
    const stream = anthropic().messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(FAKE_USAGE.output);
    await flush(h);
    const [row] = await ledger();
    expect(row).toMatchObject({ service: "anthropic", input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, estimated: null });
  });

  it("a wrong token: 401 in the provider's shape, which the SDK reports as an AuthenticationError", async () => {
    const bad = new OpenAI({ baseURL: `${server.url}/gateway/openai/v1`, apiKey: "kh_notarealtoken000000000000000000000000000", maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const badA = new Anthropic({ baseURL: `${server.url}/gateway/anthropic`, apiKey: "kh_notarealtoken000000000000000000000000000", maxRetries: 0 });
    await expect(badA.messages.create({ model: "claude-sonnet-4-5", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("an upstream error passes through in the provider's own shape and status", async () => {
    fake.mode = "error";
    try {
      const err = await openai()
        .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("fake provider says no");
    } finally {
      fake.mode = "normal";
    }
  });

  it("a budget: PUT limits on the key; requests run until it is spent, then a 429 RateLimitError naming it, with Retry-After", async () => {
    const res = await h.request("PUT", `/api/api-keys/${openaiKeyId}`, { cookie: alice.cookie, body: { limits: { budget: { usd: 0.0001, period: "day" } } } });
    expect((await jsonOf(res, 200)).limits).toEqual({ budget: { usd: 0.0001, period: "day" } });
    expect((await jsonOf(await h.request("GET", `/api/api-keys/${openaiKeyId}`, { cookie: alice.cookie }), 200)).limits).toEqual({ budget: { usd: 0.0001, period: "day" } });
    try {
      let ok = 0;
      let refusal: unknown;
      for (let i = 0; i < 20 && refusal === undefined; i++) {
        await openai()
          .chat.completions.create({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
          .then(() => ok++, (e: unknown) => (refusal = e));
      }
      expect(ok).toBeGreaterThan(0);
      expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
      const e = refusal as InstanceType<typeof OpenAI.RateLimitError>;
      expect(e.message).toMatch(/Budget reached: this key may spend \$0\.00010 per day/);
      expect(Number(e.headers?.get("retry-after"))).toBeGreaterThan(0);
      // A request whose worst case alone is over the budget: refused outright.
      const big = await openai()
        .chat.completions.create({ model: "gpt-4o-mini", max_tokens: 100_000, messages: [{ role: "user", content: "hi" }] })
        .catch((err: unknown) => err);
      expect((big as Error).message).toMatch(/could cost up to .* more than the \$0\.00010 per day/);
    } finally {
      await jsonOf(await h.request("PUT", `/api/api-keys/${openaiKeyId}`, { cookie: alice.cookie, body: { limits: null } }), 200);
    }
  });
});

async function flush(h: HttpApp): Promise<void> {
  // The ledger writes in batches; the server's own flush is what a test waits for.
  await new Promise((r) => setTimeout(r, 1_200));
  void h;
}
