/**
 * The Anthropic Messages format. Usage: `input_tokens`, which EXCLUDES `cache_read_input_tokens`
 * and `cache_creation_input_tokens` (both billed as input too), and `output_tokens`. Streamed:
 * `message_start` carries `message.model` and the first usage, each `message_delta` carries
 * CUMULATIVE counts (output_tokens; newer API versions repeat the input counts too), and
 * `message_stop` ends the message.
 */
import { hasObjectField, Needle } from "./json-bytes.js";
import { readSseEvent, sseUsageReader, type SseEventReader } from "./sse.js";
import {
  firstCount,
  isRecord,
  parseJson,
  stringOrNull,
  tokenCount,
  type RequestFacts,
  type TokenUsage,
  type UsageFormat,
  type UsageReading,
} from "./usage-format.js";

/** The four counts as Anthropic reports them. */
interface RawCounts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

function rawCounts(value: unknown): RawCounts | null {
  if (!isRecord(value)) return null;
  const input = tokenCount(value.input_tokens);
  const output = tokenCount(value.output_tokens);
  if (input === null && output === null) return null;
  return {
    input: input ?? 0,
    cacheRead: tokenCount(value.cache_read_input_tokens) ?? 0,
    cacheWrite: tokenCount(value.cache_creation_input_tokens) ?? 0,
    output: output ?? 0,
  };
}

/** Normalised: inputTokens is every input token (plain + cache reads + cache writes). */
function normalise(counts: RawCounts): TokenUsage {
  return {
    inputTokens: counts.input + counts.cacheRead + counts.cacheWrite,
    outputTokens: counts.output,
    cachedInputTokens: counts.cacheRead,
    cacheWriteTokens: counts.cacheWrite,
  };
}

export function anthropicUsage(value: unknown): TokenUsage | null {
  const counts = rawCounts(value);
  return counts === null ? null : normalise(counts);
}

const USAGE = new Needle('"usage"', "g");
const STOP = new Needle("message_stop", "g");

class AnthropicEvents implements SseEventReader {
  private model: string | null = null;
  private counts: RawCounts | null = null;
  private stopped = false;

  onEvent(raw: Uint8Array | null): boolean {
    if (raw === null) return false;
    // Only message_start and message_delta hold usage, message_stop ends: the many
    // content_block_delta events are let through on a byte scan.
    if (!hasObjectField(raw, USAGE) && !STOP.in(raw)) return false;
    const { data } = readSseEvent(raw);
    if (data === null) return false;
    const json = parseJson(data);
    if (!isRecord(json)) return false;
    switch (json.type) {
      case "message_start":
        if (isRecord(json.message)) {
          this.model = stringOrNull(json.message.model) ?? this.model;
          this.merge(rawCounts(json.message.usage), "replace");
        }
        break;
      case "message_delta":
        this.merge(rawCounts(json.usage), "max");
        break;
      case "message_stop":
        this.stopped = true;
        break;
    }
    return false;
  }

  /** message_delta counts are cumulative; the larger of old and new is the latest. */
  private merge(next: RawCounts | null, how: "replace" | "max"): void {
    if (next === null) return;
    const prev = this.counts;
    if (prev === null || how === "replace") {
      this.counts = next;
      return;
    }
    this.counts = {
      input: Math.max(prev.input, next.input),
      cacheRead: Math.max(prev.cacheRead, next.cacheRead),
      cacheWrite: Math.max(prev.cacheWrite, next.cacheWrite),
      output: Math.max(prev.output, next.output),
    };
  }

  reading(): UsageReading {
    const usage = this.counts === null ? null : normalise(this.counts);
    return { model: this.model, usage, complete: this.stopped && usage !== null };
  }
}

type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

/** Anthropic's documented error types by HTTP status (other 4xx: invalid_request_error; 5xx: api_error). */
function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

export const anthropicFormat: UsageFormat = {
  readRequest(_path: string, body: unknown): RequestFacts {
    if (!isRecord(body)) return { model: null, maxOutputTokens: null, stream: false, wantsUsage: false };
    return {
      model: stringOrNull(body.model),
      maxOutputTokens: firstCount(body, "max_tokens"),
      stream: body.stream === true,
      wantsUsage: false,
    };
  },

  prepareRequest(_path: string, body: unknown) {
    return { body, injected: false };
  },

  readJson(body: unknown): UsageReading {
    if (!isRecord(body)) return { model: null, usage: null, complete: false };
    const usage = anthropicUsage(body.usage);
    return { model: stringOrNull(body.model), usage, complete: usage !== null };
  },

  streamReader(opts) {
    // Anthropic always streams its usage: nothing is ever injected, so nothing is dropped.
    return sseUsageReader(new AnthropicEvents(), { ...opts, dropUsageEvent: false });
  },

  errorBody(status: number, message: string, _code: string) {
    return { type: "error", error: { type: anthropicErrorType(status), message } };
  },
};
