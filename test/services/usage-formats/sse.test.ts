import { describe, expect, it } from "vitest";
import { SseSplitter, USAGE_FORMATS, readSseEvent, type UsageFormatId } from "../../../src/services/usage-formats/index.js";
import { mulberry32 } from "../../support/prng.js";
import { allSplits, bytes, chunksOf, randomCuts, runStream } from "./helpers.js";

interface Seen {
  text: string | null;
  start: number;
  end: number;
}

function split(input: Buffer, cuts: number[], max?: number): { events: Seen[]; splitter: SseSplitter } {
  const events: Seen[] = [];
  const splitter = new SseSplitter((raw, start, end) => events.push({ text: raw === null ? null : Buffer.from(raw).toString("utf8"), start, end }), max);
  for (const chunk of chunksOf(input, cuts)) splitter.push(chunk);
  splitter.finish();
  return { events, splitter };
}

describe("SseSplitter", () => {
  /** LF and CRLF line ends, mixed; comments; multi-byte characters; several data lines. */
  const stream = bytes(
    [
      "event: a\ndata: 1\n\n",
      ": a comment line\ndata: 2\r\n\r\n",
      "data: é—🌍\n\n",
      "\n", // a stray blank line: an empty event of its own
      "data: mixed\r\n\n",
      "data: {\"x\":1}\ndata: {\"y\":2}\n\n",
      "data: last without blank line\n",
    ].join(""),
  );
  /** Lone CR line ends (allowed by the SSE spec, used by no provider): read by the slower scan. */
  const crStream = bytes("data: 1\r\rdata: 2\rdata: 2b\r\r: c\r\r\ndata: 3\n\ndata: 4\r\n\r\n");

  it.each([
    ["LF/CRLF", stream],
    ["lone CR", crStream],
  ])("%s: finds the same events, contiguous and covering the stream, however it is split", (_name, input) => {
    const whole = split(input, []).events;
    expect(whole.length).toBeGreaterThan(3);
    let at = 0;
    for (const e of whole) {
      expect(e.start).toBe(at);
      at = e.end;
    }
    expect(at).toBe(input.length);
    for (const { name, cuts } of allSplits(input.length)) expect(split(input, cuts).events, name).toEqual(whole);
  });

  it("splits where the spec says", () => {
    expect(split(stream, []).events.map((e) => e.text)).toEqual([
      "event: a\ndata: 1\n\n",
      ": a comment line\ndata: 2\r\n\r\n",
      "data: é—🌍\n\n",
      "\n",
      "data: mixed\r\n\n",
      'data: {"x":1}\ndata: {"y":2}\n\n',
      "data: last without blank line\n",
    ]);
    expect(split(crStream, []).events.map((e) => e.text)).toEqual([
      "data: 1\r\r",
      "data: 2\rdata: 2b\r\r",
      ": c\r\r\n",
      "data: 3\n\n",
      "data: 4\r\n\r\n",
    ]);
  });

  it("a CR ending one chunk and an LF starting the next are one line end", () => {
    const input = bytes("data: 1\r\n\r\ndata: 2\r\n\r\n");
    const cutsAtCR = [7, 9, 10, 19, 21];
    expect(split(input, cutsAtCR).events.map((e) => e.text)).toEqual(["data: 1\r\n\r\n", "data: 2\r\n\r\n"]);
  });

  it("does not hand over an event cut mid-line at the end", () => {
    expect(split(bytes("data: 1\n\ndata: {\"usage\":{"), []).events.map((e) => e.text)).toEqual(["data: 1\n\n"]);
  });

  it("readSseEvent: joins data lines, drops one leading space, ignores comments and other fields", () => {
    expect(readSseEvent(bytes("event: message_delta\nid: 7\n: hi\ndata:  two spaces\ndata\ndata:x\n\n"))).toEqual({ event: "message_delta", data: " two spaces\n\nx" });
    expect(readSseEvent(bytes(": only a comment\n\n"))).toEqual({ event: null, data: null });
  });

  it("an over-size event is handed over as null and never held whole; the next one is read", () => {
    const max = 4096;
    const big = `data: {"usage":{"prompt_tokens":1},"pad":"${"x".repeat(3 * max)}"}\n\n`;
    const input = bytes(big + "data: small\n\n");
    const events: Array<string | null> = [];
    const splitter = new SseSplitter((raw) => events.push(raw === null ? null : Buffer.from(raw).toString()), max);
    let most = 0;
    for (const chunk of chunksOf(input, randomCuts(input.length, 4, 700))) {
      splitter.push(chunk);
      most = Math.max(most, splitter.bufferedBytes);
    }
    splitter.finish();
    expect(events).toEqual([null, "data: small\n\n"]);
    expect(most).toBeLessThanOrEqual(max);
  });
});

const SSE_FORMATS: UsageFormatId[] = ["openai", "anthropic", "gemini"];

describe("malformed streams never throw and read no usage", () => {
  const cases = [
    "garbage line\nmore garbage\n\n",
    'data: {"usage":{"prompt_tokens":12,\n\n',
    "data: {not json}\n\n",
    "event: message_delta\n\n",
    'event: message_start\ndata: {"type":"message_start","message":"no"}\n\n',
    'data: {"usage":{"prompt_tokens":"12","completion_tokens":null}}\n\n',
    'data: {"type":"message_delta","usage":{"output_tokens":-4}}\n\n',
    'data: {"usageMetadata":{"promptTokenCount":1e400}}\n\n',
    'data: ["usage",{"usage":1}]\n\n',
    "data:\n\ndata: [DONE]\n\n",
    "\r\r\r\n\n\n:\n:\n",
    "data: \"usage\": {\n\n",
  ];
  it.each(SSE_FORMATS)("%s", (format) => {
    for (const text of cases) {
      const input = bytes(text);
      for (const { cuts } of allSplits(input.length).slice(0, 6)) {
        for (const dropUsageEvent of [false, true]) {
          const run = runStream(format, input, cuts, { dropUsageEvent });
          expect(run.reading.usage, text).toBeNull();
          expect(run.reading.complete).toBe(false);
          expect(run.relayed.equals(input), text).toBe(true);
        }
      }
    }
  });

  it.each(SSE_FORMATS)("%s: random bytes (seeded) with usage-looking pieces", (format) => {
    const pieces = ['"usage":{', '"usageMetadata":{', "data: ", "\n", "\r\n", "\n\n", "{", "}", "[", "]", '"', "\\", "message_stop", '"finishReason"', "é", "\u{1F30D}"];
    for (let seed = 1; seed <= 60; seed++) {
      const next = mulberry32(seed);
      let text = "";
      for (let i = 0; i < 80; i++) text += next() < 0.5 ? pieces[Math.floor(next() * pieces.length)] : String.fromCharCode(32 + Math.floor(next() * 95));
      const input = Buffer.concat([bytes(text), Buffer.from(Array.from({ length: 16 }, () => Math.floor(next() * 256)))]);
      for (const dropUsageEvent of [false, true]) {
        const run = runStream(format, input, randomCuts(input.length, seed, 11), { dropUsageEvent });
        expect(run.reading.complete).toBe(false);
        if (!dropUsageEvent) expect(run.relayed.equals(input)).toBe(true);
      }
    }
  });
});

describe("an over-size event", () => {
  const max = 64 * 1024;
  const usageChunk = (pad: number) => `data: {"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":6},"pad":"${"p".repeat(pad)}"}\n\n`;

  it.each(SSE_FORMATS)("%s: relayed unchanged, not parsed, buffering bounded", (format) => {
    const input = bytes(usageChunk(4 * max) + "data: [DONE]\n\n");
    const run = runStream(format, input, randomCuts(input.length, 2, 8192), { dropUsageEvent: false, maxEventBytes: max });
    expect(run.relayed.equals(input)).toBe(true);
    expect(run.zeroCopy).toBe(true);
    expect(run.reading.usage).toBeNull();
  });

  it("with the default 1 MiB bound too", () => {
    const input = bytes(usageChunk(2 * 1024 * 1024));
    expect(runStream("openai", input, randomCuts(input.length, 6, 65536)).reading.usage).toBeNull();
    const justUnder = bytes(usageChunk(1024));
    expect(runStream("openai", justUnder, []).reading.usage).toEqual({ inputTokens: 5, outputTokens: 6, cachedInputTokens: 0 });
  });

  it("dropping: an over-size usage chunk is relayed as it comes (never held back whole, never dropped)", () => {
    const input = bytes(usageChunk(4 * max) + "data: [DONE]\n\n");
    const reader = USAGE_FORMATS.openai.streamReader({ dropUsageEvent: true, maxEventBytes: max });
    let pushed = 0;
    let relayed = 0;
    const out: Uint8Array[] = [];
    for (const chunk of chunksOf(input, randomCuts(input.length, 3, 8192))) {
      pushed += chunk.length;
      const piece = reader.push(chunk);
      relayed += piece.length;
      out.push(piece);
      expect(pushed - relayed).toBeLessThanOrEqual(max + 8192);
    }
    out.push(reader.finish().rest);
    expect(Buffer.concat(out).equals(input)).toBe(true);
  });
});
