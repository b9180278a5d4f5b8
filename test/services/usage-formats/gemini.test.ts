import { describe, expect, it } from "vitest";
import { USAGE_FORMATS } from "../../../src/services/usage-formats/index.js";
import { expectAbortsAtEveryByte, expectSameReadingInEverySplit, fixture, fixtureJson, randomCuts, runStream } from "./helpers.js";

const gemini = USAGE_FORMATS.gemini;

/** The last streamed response: prompt 8, candidates 17, thoughts 240 (thoughts count as output). */
const STREAM_READING = { model: "gemini-2.5-flash", usage: { inputTokens: 8, outputTokens: 17 + 240, cachedInputTokens: 0 }, complete: true };

describe("gemini readJson", () => {
  it("generateContent", () => {
    expect(gemini.readJson(fixtureJson("gemini/generate.json"))).toEqual({
      model: "gemini-2.0-flash",
      usage: { inputTokens: 10, outputTokens: 41, cachedInputTokens: 0 },
      complete: true,
    });
  });

  it("counts thoughts as output; cached content is part of the prompt count", () => {
    expect(gemini.readJson(fixtureJson("gemini/generate-thinking.json"))).toEqual({
      model: "gemini-2.5-flash",
      usage: { inputTokens: 12000, outputTokens: 3 + 887, cachedInputTokens: 8000 },
      complete: true,
    });
  });

  it("a whole streamed array: the last response with usage", () => {
    expect(gemini.readJson(fixtureJson("gemini/stream-array.json"))).toEqual(STREAM_READING);
  });

  it("counts tool-use prompt tokens as input", () => {
    const body = { usageMetadata: { promptTokenCount: 100, toolUsePromptTokenCount: 40, candidatesTokenCount: 5 } };
    expect(gemini.readJson(body).usage).toEqual({ inputTokens: 140, outputTokens: 5, cachedInputTokens: 0 });
  });

  it("answers no usage for bodies without one", () => {
    for (const body of [null, [], [1, 2], {}, { usageMetadata: {} }, { usageMetadata: { promptTokenCount: "1" } }]) {
      expect(gemini.readJson(body)).toEqual({ model: null, usage: null, complete: false });
    }
  });
});

describe("gemini streams", () => {
  it("alt=sse (\\r\\n\\r\\n between events): the last usageMetadata, however split", () => {
    expectSameReadingInEverySplit("gemini", fixture("gemini/stream.sse"), STREAM_READING);
  });

  it("without alt=sse (one JSON array): the same reading, however split", () => {
    expectSameReadingInEverySplit("gemini", fixture("gemini/stream-array.json"), STREAM_READING);
  });

  it("alt=sse cut at any byte: complete only with the final response; before it, the prompt count", () => {
    const stream = fixture("gemini/stream.sse");
    const lastEvent = stream.lastIndexOf("data: ");
    const readings = expectAbortsAtEveryByte("gemini", stream, stream.indexOf("\r", lastEvent) + 1);
    expect(readings[lastEvent]).toEqual({ model: "gemini-2.5-flash", usage: { inputTokens: 8, outputTokens: 0, cachedInputTokens: 0 }, complete: false });
    expect(readings[stream.indexOf("\r")]).toEqual({ model: null, usage: null, complete: false });
  });

  it("JSON array cut at any byte: complete once the last element has closed", () => {
    const stream = fixture("gemini/stream-array.json");
    const readings = expectAbortsAtEveryByte("gemini", stream, stream.lastIndexOf("}") + 1);
    expect(readings[stream.lastIndexOf("{\n", stream.lastIndexOf('"candidates"'))].usage).toEqual({ inputTokens: 8, outputTokens: 0, cachedInputTokens: 0 });
  });

  it("a JSON array element over the size bound is skipped, not buffered; later ones are read", () => {
    const big = { candidates: [{ content: { parts: [{ text: "x".repeat(5000) }] } }], usageMetadata: { promptTokenCount: 99, candidatesTokenCount: 99 } };
    const last = { candidates: [{ finishReason: "STOP" }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2 } };
    const stream = Buffer.from(JSON.stringify([last, big]));
    const run = runStream("gemini", stream, randomCuts(stream.length, 3, 500), { dropUsageEvent: false, maxEventBytes: 1024 });
    expect(run.reading.usage).toEqual({ inputTokens: 1, outputTokens: 2, cachedInputTokens: 0 });
    expect(run.reading.complete).toBe(false);
    expect(run.relayed.equals(stream)).toBe(true);
  });

  it("strings holding brackets, quotes and escapes do not confuse the array scan", () => {
    const tricky = { candidates: [{ content: { parts: [{ text: 'a "}]{[" \\ \\" ]' }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4 } };
    const stream = Buffer.from(`[${JSON.stringify(tricky)}]`);
    const run = runStream("gemini", stream, randomCuts(stream.length, 8, 3));
    expect(run.reading).toEqual({ model: null, usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0 }, complete: true });
  });
});

describe("gemini requests", () => {
  it("model and stream from the path, output cap from generationConfig", () => {
    const body = { contents: [], generationConfig: { maxOutputTokens: 800 } };
    expect(gemini.readRequest("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body)).toEqual({
      model: "gemini-2.5-flash",
      maxOutputTokens: 800,
      stream: true,
      wantsUsage: false,
    });
    expect(gemini.readRequest("/v1beta/models/gemini-2.0-flash:generateContent", { generation_config: { max_output_tokens: 5 } })).toEqual({
      model: "gemini-2.0-flash",
      maxOutputTokens: 5,
      stream: false,
      wantsUsage: false,
    });
    expect(gemini.readRequest("models/gemini%2D2.0-flash:countTokens", {}).model).toBe("gemini-2.0-flash");
    expect(gemini.readRequest("/v1beta/tunedModels/my-model-7:generateContent", {}).model).toBe("my-model-7");
    expect(gemini.readRequest("/v1beta/models", null)).toEqual({ model: null, maxOutputTokens: null, stream: false, wantsUsage: false });
  });

  it("never injects", () => {
    const body = { contents: [] };
    expect(gemini.prepareRequest("/v1beta/models/m:streamGenerateContent", body, gemini.readRequest("/v1beta/models/m:streamGenerateContent", body))).toEqual({
      body,
      injected: false,
    });
  });
});
