import { describe, expect, it } from "vitest";
import { USAGE_FORMATS } from "../../../src/services/usage-formats/index.js";
import {
  allSplits,
  bytes,
  expectAbortsAtEveryByte,
  expectSameReadingInEverySplit,
  fixture,
  fixtureJson,
  randomCuts,
  runStream,
} from "./helpers.js";

const openai = USAGE_FORMATS.openai;

describe("openai readJson", () => {
  it.each([
    ["chat.json", "gpt-4o-2024-08-06", { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920 }],
    ["completions.json", "gpt-3.5-turbo-instruct", { inputTokens: 5, outputTokens: 7, cachedInputTokens: 0 }],
    ["embeddings.json", "text-embedding-3-small", { inputTokens: 8, outputTokens: 0, cachedInputTokens: 0 }],
    ["responses.json", "gpt-4o-2024-08-06", { inputTokens: 328, outputTokens: 52, cachedInputTokens: 128 }],
  ])("%s", (file, model, usage) => {
    expect(openai.readJson(fixtureJson(`openai/${file}`))).toEqual({ model, usage, complete: true });
  });

  it("adds reasoning tokens reported beside completion_tokens (xai: total = prompt + completion + reasoning)", () => {
    const usage = { prompt_tokens: 32, completion_tokens: 9, total_tokens: 135, completion_tokens_details: { reasoning_tokens: 94 } };
    expect(openai.readJson({ model: "grok-3-mini", usage }).usage).toEqual({ inputTokens: 32, outputTokens: 103, cachedInputTokens: 0 });
    // OpenAI counts them inside completion_tokens already: not added twice.
    const inside = { prompt_tokens: 32, completion_tokens: 103, total_tokens: 135, completion_tokens_details: { reasoning_tokens: 94 } };
    expect(openai.readJson({ usage: inside }).usage).toEqual({ inputTokens: 32, outputTokens: 103, cachedInputTokens: 0 });
  });

  it("answers no usage, incomplete, for bodies without a usable one", () => {
    for (const body of [null, "text", [], {}, { usage: null }, { usage: { prompt_tokens: "12" } }, { usage: { prompt_tokens: -1 } }, { usage: { prompt_tokens: 1.5 } }]) {
      expect(openai.readJson(body).usage).toBeNull();
      expect(openai.readJson(body).complete).toBe(false);
    }
  });
});

describe("openai streams", () => {
  it.each([
    ["chat-stream-usage.sse", "gpt-4o-mini-2024-07-18", { inputTokens: 19, outputTokens: 10, cachedInputTokens: 0 }],
    ["completions-stream-usage.sse", "gpt-3.5-turbo-instruct", { inputTokens: 5, outputTokens: 4, cachedInputTokens: 0 }],
    ["groq-chat-stream.sse", "llama-3.3-70b-versatile", { inputTokens: 18, outputTokens: 542, cachedInputTokens: 0 }],
    ["responses-stream.sse", "gpt-4o-2024-08-06", { inputTokens: 37, outputTokens: 11, cachedInputTokens: 0 }],
  ])("%s gives the same reading however it is split, relayed unchanged and uncopied", (file, model, usage) => {
    expectSameReadingInEverySplit("openai", fixture(`openai/${file}`), { model, usage, complete: true });
  });

  it("a stream without include_usage names the model but has no usage", () => {
    expectSameReadingInEverySplit("openai", fixture("openai/chat-stream.sse"), { model: "gpt-4o-mini-2024-07-18", usage: null, complete: false });
  });

  it("is complete exactly once the usage chunk has arrived, whatever byte the stream is cut at", () => {
    const stream = fixture("openai/chat-stream-usage.sse");
    const completeAt = stream.indexOf("\n", stream.indexOf('"usage":{')) + 1;
    const readings = expectAbortsAtEveryByte("openai", stream, completeAt);
    // Cut before the usage chunk: the model is known (from the first chunk), the usage is not.
    const firstChunkEnd = stream.indexOf("\n") + 1;
    expect(readings[firstChunkEnd]).toEqual({ model: "gpt-4o-mini-2024-07-18", usage: null, complete: false });
    expect(readings[firstChunkEnd - 1].model).toBeNull();
  });

  it("Responses: complete once response.completed has arrived", () => {
    const stream = fixture("openai/responses-stream.sse");
    const completeAt = stream.indexOf("\n", stream.indexOf("data: ", stream.indexOf("event: response.completed"))) + 1;
    expectAbortsAtEveryByte("openai", stream, completeAt);
  });
});

describe("openai dropping the injected usage chunk", () => {
  /** The fixture without its one event holding `"choices":[]`. */
  function withoutUsageChunk(stream: Buffer): Buffer {
    const text = stream.toString("utf8");
    const at = text.lastIndexOf("data: ", text.indexOf('"choices":[]'));
    const end = text.indexOf("\n\n", at) + 2;
    expect(at).toBeGreaterThan(0);
    return Buffer.concat([stream.subarray(0, Buffer.byteLength(text.slice(0, at))), stream.subarray(Buffer.byteLength(text.slice(0, end)))]);
  }

  it.each(["chat-stream-usage.sse", "completions-stream-usage.sse"])(
    "%s: relays everything but the usage chunk, byte-exact, in every split, and still reads it",
    (file) => {
      const stream = fixture(`openai/${file}`);
      const expected = withoutUsageChunk(stream);
      expect(expected.length).toBeLessThan(stream.length);
      expect(expected.toString()).toContain("data: [DONE]\n\n");
      const whole = openai.readJson(JSON.parse(stream.toString().split("\n\n").find((e) => e.includes('"choices":[]'))!.slice(6)));
      for (const { name, cuts } of allSplits(stream.length)) {
        const run = runStream("openai", stream, cuts, { dropUsageEvent: true });
        expect(run.relayed.equals(expected), name).toBe(true);
        expect(run.reading, name).toEqual(whole);
        expect(run.reading.complete).toBe(true);
      }
    },
  );

  it("CRLF line ends (an OpenAI-compatible server): the usage chunk and its \\r\\n\\r\\n are dropped, nothing else", () => {
    const lf = fixture("openai/chat-stream-usage.sse");
    const crlf = Buffer.from(lf.toString("utf8").replaceAll("\n", "\r\n"));
    const expected = Buffer.from(withoutUsageChunk(lf).toString("utf8").replaceAll("\n", "\r\n"));
    for (const { name, cuts } of allSplits(crlf.length)) {
      const run = runStream("openai", crlf, cuts, { dropUsageEvent: true });
      expect(run.relayed.equals(expected), name).toBe(true);
      expect(run.reading.usage, name).toEqual({ inputTokens: 19, outputTokens: 10, cachedInputTokens: 0 });
    }
  });

  it("relays the chunk itself (no copy) while chunks end on event boundaries and nothing is dropped", () => {
    const reader = openai.streamReader({ dropUsageEvent: true });
    const chunk = bytes('data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n');
    expect(reader.push(chunk)).toBe(chunk);
  });

  it("holds back an unfinished event, then relays it whole", () => {
    const reader = openai.streamReader({ dropUsageEvent: true });
    const event = 'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"é"}}]}\n\n';
    const all = bytes(event + event);
    const cut = Buffer.byteLength(event) + 10;
    expect(Buffer.from(reader.push(all.subarray(0, cut))).toString()).toBe(event);
    expect(Buffer.from(reader.push(all.subarray(cut))).toString()).toBe(event);
    expect(reader.finish().rest.length).toBe(0);
  });

  it("keeps streams that have no usage-only chunk unchanged (none, or groq's usage on a content chunk)", () => {
    for (const file of ["chat-stream.sse", "groq-chat-stream.sse", "responses-stream.sse"]) {
      const stream = fixture(`openai/${file}`);
      for (const seed of [1, 2, 3]) {
        const run = runStream("openai", stream, randomCuts(stream.length, seed), { dropUsageEvent: true });
        expect(run.relayed.equals(stream), file).toBe(true);
      }
    }
  });

  it("cut short: relays what it holds at finish, minus a usage chunk already read whole", () => {
    const stream = fixture("openai/chat-stream-usage.sse");
    const expected = withoutUsageChunk(stream);
    for (let end = 0; end <= stream.length; end += 7) {
      const run = runStream("openai", stream.subarray(0, end), randomCuts(end, end, 29), { dropUsageEvent: true });
      const usageEnd = stream.indexOf("\n\n", stream.indexOf('"choices":[]')) + 2;
      if (end < stream.indexOf('"choices":[]')) expect(run.relayed.equals(stream.subarray(0, end)), `cut ${end}`).toBe(true);
      if (end >= usageEnd) expect(run.relayed.equals(expected.subarray(0, end - (stream.length - expected.length))), `cut ${end}`).toBe(true);
    }
  });
});

describe("openai requests", () => {
  it("reads model, output cap, stream and include_usage", () => {
    expect(openai.readRequest("/v1/chat/completions", { model: "gpt-4o", max_tokens: 100, stream: true, stream_options: { include_usage: true } })).toEqual({
      model: "gpt-4o",
      maxOutputTokens: 100,
      stream: true,
      wantsUsage: true,
    });
    expect(openai.readRequest("/v1/chat/completions", { model: "o3", max_completion_tokens: 2000, stream: "yes" })).toEqual({
      model: "o3",
      maxOutputTokens: 2000,
      stream: false,
      wantsUsage: false,
    });
    expect(openai.readRequest("/v1/responses", { model: "gpt-4.1", max_output_tokens: 512, stream: true }).maxOutputTokens).toBe(512);
    expect(openai.readRequest("/v1/embeddings", { model: "text-embedding-3-small", input: "x" })).toEqual({
      model: "text-embedding-3-small",
      maxOutputTokens: null,
      stream: false,
      wantsUsage: false,
    });
    expect(openai.readRequest("/v1/chat/completions", "not json")).toEqual({ model: null, maxOutputTokens: null, stream: false, wantsUsage: false });
  });

  it("injects include_usage into streamed chat/completions and completions without it, leaving the original body alone", () => {
    for (const path of ["/v1/chat/completions", "/v1/completions", "/openai/v1/chat/completions?x=1"]) {
      const body = { model: "gpt-4o", stream: true, stream_options: { include_obfuscation: false }, messages: [] };
      const prepared = openai.prepareRequest(path, body, openai.readRequest(path, body));
      expect(prepared).toEqual({ body: { ...body, stream_options: { include_obfuscation: false, include_usage: true } }, injected: true });
      expect(body.stream_options).toEqual({ include_obfuscation: false });
    }
    const nullOptions = { model: "m", stream: true, stream_options: null };
    expect(openai.prepareRequest("/v1/chat/completions", nullOptions, openai.readRequest("", nullOptions)).body).toEqual({
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("leaves alone: not streamed, already asking, the Responses API, other paths", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["/v1/chat/completions", { model: "m", stream: false }],
      ["/v1/chat/completions", { model: "m" }],
      ["/v1/chat/completions", { model: "m", stream: true, stream_options: { include_usage: true } }],
      ["/v1/responses", { model: "m", stream: true }],
      ["/v1/embeddings", { model: "m", stream: true }],
    ];
    for (const [path, body] of cases) {
      const prepared = openai.prepareRequest(path, body, openai.readRequest(path, body));
      expect(prepared.injected).toBe(false);
      expect(prepared.body).toBe(body);
    }
  });
});
