/**
 * The Gemini API format (generativelanguage v1beta): `models/{model}:generateContent` answers one
 * GenerateContentResponse; `:streamGenerateContent` streams several, as SSE with `alt=sse`, else
 * as one JSON array sent piece by piece. Usage is `usageMetadata`: promptTokenCount (which
 * includes cachedContentTokenCount), toolUsePromptTokenCount (input too), candidatesTokenCount,
 * and thoughtsTokenCount, which is NOT in candidatesTokenCount but is billed as output: it is
 * counted as output here. In a stream each response may carry usageMetadata; the last is final,
 * so only the last one is kept (as bytes) and parsed once, at the end.
 */
import { concatBytes, Needle } from "./json-bytes.js";
import { readSseEvent, SseSplitter } from "./sse.js";
import {
  DEFAULT_MAX_EVENT_BYTES,
  firstCount,
  isRecord,
  parseJson,
  pathOnly,
  stringOrNull,
  tokenCount,
  type RequestFacts,
  type StreamUsageReader,
  type TokenUsage,
  type UsageFormat,
  type UsageReading,
} from "./usage-format.js";

export function geminiUsage(value: unknown): TokenUsage | null {
  if (!isRecord(value)) return null;
  const prompt = tokenCount(value.promptTokenCount);
  const candidates = tokenCount(value.candidatesTokenCount);
  if (prompt === null && candidates === null) return null;
  const inputTokens = (prompt ?? 0) + (tokenCount(value.toolUsePromptTokenCount) ?? 0);
  return {
    inputTokens,
    outputTokens: (candidates ?? 0) + (tokenCount(value.thoughtsTokenCount) ?? 0),
    cachedInputTokens: Math.min(tokenCount(value.cachedContentTokenCount) ?? 0, inputTokens),
  };
}

/** `…/models/{model}:{method}` (or tunedModels), the model name decoded; null when the path has none. */
const MODEL_PATH = /(?:^|\/)(?:models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;

function modelMethod(path: string): { model: string; method: string } | null {
  const match = MODEL_PATH.exec(pathOnly(path));
  if (!match) return null;
  let model = match[1];
  try {
    model = decodeURIComponent(model);
  } catch {
    // Not percent-encoded after all: keep it as written.
  }
  return { model, method: match[2] };
}

const USAGE = new Needle('"usageMetadata"', "M");
const FINISH = new Needle('"finishReason"', "R");

/** Keeps the last response that carries usageMetadata (its bytes) and parses it at the end. */
class LastUsage {
  private last: Uint8Array | null = null;
  private lastIsSse = false;
  private count = 0;
  private lastUsageAt = -1;
  private finishAt = -1;
  private skippedAt = -1;

  /** One whole response: an SSE event (sse=true) or a JSON array element; null when over-size. */
  see(raw: Uint8Array | null, sse: boolean): void {
    this.count++;
    if (raw === null) {
      // Unread, it may have held later counts: what was read before it is no longer final.
      this.skippedAt = this.count;
      return;
    }
    if (FINISH.in(raw)) this.finishAt = this.count;
    if (!USAGE.in(raw)) return;
    // A view, not a copy: pushed chunks are never written to after push (StreamUsageReader).
    this.last = raw;
    this.lastIsSse = sse;
    this.lastUsageAt = this.count;
  }

  reading(): UsageReading {
    if (this.last === null) return { model: null, usage: null, complete: false };
    const text = this.lastIsSse ? readSseEvent(this.last).data : new TextDecoder().decode(this.last);
    const json = text === null ? undefined : parseJson(text);
    if (!isRecord(json)) return { model: null, usage: null, complete: false };
    const usage = geminiUsage(json.usageMetadata);
    const finished = this.finishAt !== -1 && this.lastUsageAt >= this.finishAt && this.lastUsageAt > this.skippedAt;
    return { model: stringOrNull(json.modelVersion), usage, complete: finished && usage !== null };
  }
}

/**
 * The elements of a JSON array arriving in pieces (`[{…},\r\n{…}]`): a byte scan that tracks
 * strings and nesting, handing over each top-level element; bounded like the SSE splitter.
 */
class JsonArrayElements {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inElement = false;
  private pieces: Uint8Array[] = [];
  private piecesLength = 0;
  private oversize = false;

  constructor(
    private readonly onElement: (raw: Uint8Array | null) => void,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Uint8Array): void {
    let start = this.inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) this.inString = false;
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b || b === 0x5b) {
        if (this.depth === 1 && !this.inElement) {
          this.inElement = true;
          start = i;
        }
        this.depth++;
      } else if (b === 0x7d || b === 0x5d) {
        this.depth = Math.max(this.depth - 1, 0);
        if (this.depth === 1 && this.inElement) {
          this.element(chunk, start, i + 1);
          start = -1;
        }
      }
    }
    if (this.inElement && !this.oversize && start !== -1) this.keep(chunk.subarray(start));
  }

  private keep(bytes: Uint8Array): void {
    if (this.piecesLength + bytes.length > this.maxBytes) {
      this.oversize = true;
      this.pieces = [];
      this.piecesLength = 0;
      return;
    }
    this.pieces.push(bytes.slice());
    this.piecesLength += bytes.length;
  }

  private element(chunk: Uint8Array, start: number, end: number): void {
    let raw: Uint8Array | null = null;
    if (!this.oversize && this.piecesLength + end - start <= this.maxBytes) {
      const tail = chunk.subarray(start, end);
      raw = this.pieces.length === 0 ? tail : concatBytes([...this.pieces, tail]);
    }
    this.inElement = false;
    this.pieces = [];
    this.piecesLength = 0;
    this.oversize = false;
    this.onElement(raw);
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Reads either stream shape, told apart by its first byte: `[` is a JSON array, else SSE. */
class GeminiStreamReader implements StreamUsageReader {
  private readonly last = new LastUsage();
  private feed: ((chunk: Uint8Array) => void) | null = null;
  private splitter: SseSplitter | null = null;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): Uint8Array {
    if (this.feed === null) {
      let i = 0;
      while (i < chunk.length && WHITESPACE.has(chunk[i])) i++;
      if (i === chunk.length) return chunk;
      if (chunk[i] === 0x5b) {
        const elements = new JsonArrayElements((raw) => this.last.see(raw, false), this.maxBytes);
        this.feed = (c) => elements.push(c);
      } else {
        const splitter = new SseSplitter((raw) => this.last.see(raw, true), this.maxBytes);
        this.splitter = splitter;
        this.feed = (c) => splitter.push(c);
      }
    }
    this.feed(chunk);
    return chunk;
  }

  finish(): { rest: Uint8Array; reading: UsageReading } {
    this.splitter?.finish();
    return { rest: new Uint8Array(0), reading: this.last.reading() };
  }
}

type GeminiStatus =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED";

/** Google's canonical status for an HTTP status (other 4xx: INVALID_ARGUMENT; other 5xx: INTERNAL). */
function geminiStatus(status: number, code: string): GeminiStatus {
  if (code === "upstream_timeout") return "DEADLINE_EXCEEDED";
  switch (status) {
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 502:
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
  }
  return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
}

export const geminiFormat: UsageFormat = {
  readRequest(path: string, body: unknown): RequestFacts {
    const target = modelMethod(path);
    const config = isRecord(body) ? (body.generationConfig ?? body.generation_config) : undefined;
    return {
      model: target?.model ?? null,
      maxOutputTokens: isRecord(config) ? firstCount(config, "maxOutputTokens", "max_output_tokens") : null,
      stream: target?.method === "streamGenerateContent",
      wantsUsage: false,
    };
  },

  prepareRequest(_path: string, body: unknown) {
    return { body, injected: false };
  },

  readJson(body: unknown): UsageReading {
    // streamGenerateContent without alt=sse, read whole, is an array of responses: the last
    // one with usageMetadata holds the final counts.
    const responses = Array.isArray(body) ? body : [body];
    for (let i = responses.length - 1; i >= 0; i--) {
      const response: unknown = responses[i];
      if (!isRecord(response) || !isRecord(response.usageMetadata)) continue;
      const usage = geminiUsage(response.usageMetadata);
      return { model: stringOrNull(response.modelVersion), usage, complete: usage !== null };
    }
    return { model: null, usage: null, complete: false };
  },

  streamReader(opts) {
    return new GeminiStreamReader(opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
  },

  errorBody(status: number, message: string, code: string) {
    return { error: { code: status, message, status: geminiStatus(status, code) } };
  },
};
