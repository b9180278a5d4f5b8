import { describe, expect, it } from "vitest";
import { USAGE_FORMATS } from "../../../src/services/usage-formats/index.js";
import { expectAbortsAtEveryByte, expectSameReadingInEverySplit, fixture, fixtureJson, randomCuts, runStream } from "./helpers.js";

const anthropic = USAGE_FORMATS.anthropic;

describe("anthropic readJson", () => {
  it("counts cache writes (and reads) as input: input_tokens excludes them", () => {
    expect(anthropic.readJson(fixtureJson("anthropic/messages.json"))).toEqual({
      model: "claude-sonnet-4-5-20250929",
      usage: { inputTokens: 21 + 188086, outputTokens: 393, cachedInputTokens: 0, cacheWriteTokens: 188086 },
      complete: true,
    });
  });

  it("answers no usage for bodies without one", () => {
    for (const body of [null, [], { type: "message" }, { usage: { input_tokens: "3" } }]) expect(anthropic.readJson(body)).toEqual({ model: null, usage: null, complete: false });
  });
});

describe("anthropic streams", () => {
  it("the documented basic stream: input from message_start, cumulative output from message_delta", () => {
    expectSameReadingInEverySplit("anthropic", fixture("anthropic/messages-stream.sse"), {
      model: "claude-opus-4-1-20250805",
      usage: { inputTokens: 25, outputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0 },
      complete: true,
    });
  });

  it("cache reads and writes, and a message_delta repeating the input counts", () => {
    expectSameReadingInEverySplit("anthropic", fixture("anthropic/messages-stream-cache.sse"), {
      model: "claude-sonnet-4-5-20250929",
      usage: { inputTokens: 472 + 9216 + 1024, outputTokens: 89, cachedInputTokens: 9216, cacheWriteTokens: 1024 },
      complete: true,
    });
  });

  it("an error event mid-stream: incomplete, with the counts message_start gave", () => {
    expectSameReadingInEverySplit("anthropic", fixture("anthropic/messages-stream-error.sse"), {
      model: "claude-opus-4-1-20250805",
      usage: { inputTokens: 25, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0 },
      complete: false,
    });
  });

  it("cut at any byte: complete only from message_stop on; partial counts before it", () => {
    const stream = fixture("anthropic/messages-stream.sse");
    const completeAt = stream.indexOf("\n", stream.indexOf('"type": "message_stop"')) + 1;
    const readings = expectAbortsAtEveryByte("anthropic", stream, completeAt);
    const afterStart = stream.indexOf("\n\n") + 2;
    expect(readings[afterStart - 3]).toEqual({ model: null, usage: null, complete: false });
    expect(readings[afterStart]).toEqual({
      model: "claude-opus-4-1-20250805",
      usage: { inputTokens: 25, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0 },
      complete: false,
    });
    const afterDelta = stream.indexOf("\n\n", stream.indexOf("event: message_delta")) + 2;
    expect(readings[afterDelta]).toEqual({ ...readings[afterStart], usage: { ...readings[afterStart].usage, outputTokens: 15 } });
  });

  it("takes the latest (largest) of several cumulative message_delta counts, never their sum", () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{},"usage":{"output_tokens":7}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":10,"output_tokens":12}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join("");
    const stream = Buffer.from(events);
    const run = runStream("anthropic", stream, randomCuts(stream.length, 5));
    expect(run.reading).toEqual({ model: "claude-x", usage: { inputTokens: 10, outputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0 }, complete: true });
  });

  it("never drops anything, even when asked to", () => {
    const stream = fixture("anthropic/messages-stream.sse");
    const run = runStream("anthropic", stream, randomCuts(stream.length, 9), { dropUsageEvent: true });
    expect(run.relayed.equals(stream)).toBe(true);
    expect(run.zeroCopy).toBe(true);
  });
});

describe("anthropic requests", () => {
  it("reads model, max_tokens and stream; never injects", () => {
    const body = { model: "claude-sonnet-4-5", max_tokens: 1024, stream: true, messages: [] };
    const facts = anthropic.readRequest("/v1/messages", body);
    expect(facts).toEqual({ model: "claude-sonnet-4-5", maxOutputTokens: 1024, stream: true, wantsUsage: false });
    expect(anthropic.prepareRequest("/v1/messages", body, facts)).toEqual({ body, injected: false });
    expect(anthropic.readRequest("/v1/messages", null)).toEqual({ model: null, maxOutputTokens: null, stream: false, wantsUsage: false });
  });
});
