/**
 * The shared shape of one provider wire format as the gateway sees it: what a request asks for,
 * how many tokens an answer says it used (streamed or not), and the provider's own error body.
 * Every function here is pure and runs on every request (and every streamed chunk), so none
 * allocates more than it must.
 */

/**
 * Token counts, normalised across providers so that `inputTokens` is every input token billed
 * and `cachedInputTokens` the part of it read from a prompt cache:
 * - OpenAI (and groq, xai, custom): `prompt_tokens` / Responses `input_tokens` already include
 *   `cached_tokens`; `completion_tokens` / `output_tokens` already include reasoning tokens.
 * - Anthropic: `input_tokens` EXCLUDES `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so inputTokens = input + cache reads + cache writes.
 * - Gemini: `promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is NOT
 *   in `candidatesTokenCount` but is billed as output, so it is counted as output here.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from a prompt cache (part of inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to a prompt cache (part of inputTokens); only Anthropic reports them. */
  cacheWriteTokens?: number;
}

/**
 * What an answer says about itself. `complete` is true once the answer's final usage was read;
 * false when the answer ended before it (an aborted stream, an error event, a provider that sent
 * no usage): `usage` is then what was known (e.g. Anthropic input from message_start, output from
 * the last message_delta) or null. `model` is the answer's own model name, null when it names
 * none (the caller falls back to the request's).
 */
export interface UsageReading {
  model: string | null;
  usage: TokenUsage | null;
  complete: boolean;
}

export interface RequestFacts {
  model: string | null;
  maxOutputTokens: number | null;
  stream: boolean;
  /** The caller itself asked for streamed usage (OpenAI `stream_options.include_usage`). */
  wantsUsage: boolean;
}

export interface StreamUsageReader {
  /**
   * Called with each upstream chunk in order; returns the bytes to relay to the client now: the
   * chunk itself (no copy) unless an event must be dropped, then the event-aligned remainder.
   * The chunk must not be written to afterwards (a reader may keep a view of its last event).
   */
  push(chunk: Uint8Array): Uint8Array;
  /** At the end or on abort: bytes still held back (if any) and what was read. */
  finish(): { rest: Uint8Array; reading: UsageReading };
}

export interface StreamReaderOptions {
  /** The usage event was injected by us (prepareRequest), so it must not reach the caller. */
  dropUsageEvent: boolean;
  /** An event larger than this is relayed unchanged but not parsed (default 1 MiB). */
  maxEventBytes?: number;
}

export interface UsageFormat {
  /**
   * What the request says: model (body, or for Gemini the path), requested output cap, whether
   * it streams, whether the caller asked for streamed usage. `path` is the provider path after
   * the gateway prefix, with or without its query string.
   */
  readRequest(path: string, body: unknown): RequestFacts;
  /**
   * The body to send upstream. OpenAI chat/completions and completions streamed without
   * include_usage get a copy with `stream_options.include_usage = true` (injected: true); any
   * other request is returned as it is (injected: false).
   */
  prepareRequest(path: string, body: unknown, facts: RequestFacts): { body: unknown; injected: boolean };
  /** Usage of a non-streamed JSON answer (already parsed). */
  readJson(body: unknown): UsageReading;
  /** A reader for one streamed answer. */
  streamReader(opts: StreamReaderOptions): StreamUsageReader;
  /** The provider's own error body for an error Keyhaven produces (see errors in each format). */
  errorBody(status: number, message: string, code: string): unknown;
}

export type UsageFormatId = "openai" | "anthropic" | "gemini";

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A token count as providers send it: a non-negative safe integer, else absent. */
export function tokenCount(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The first field that holds a token count, or null. */
export function firstCount(source: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const n = tokenCount(source[key]);
    if (n !== null) return n;
  }
  return null;
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The path without its query string or fragment. */
export function pathOnly(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/** JSON.parse that answers undefined instead of throwing: upstream bytes are never trusted. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
