/**
 * The OpenAI wire format, also spoken by groq, xai and custom OpenAI-compatible endpoints:
 * Chat Completions, legacy Completions, Embeddings and the Responses API.
 *
 * Usage: `prompt_tokens` / `completion_tokens` (Chat, Completions, Embeddings) or `input_tokens` /
 * `output_tokens` (Responses); the cached part in `prompt_tokens_details.cached_tokens` /
 * `input_tokens_details.cached_tokens`, already counted in the input. Streamed Chat/Completions
 * report usage only when asked (`stream_options.include_usage`), in one extra chunk with
 * `choices: []` before `data: [DONE]`; the Responses API reports it in `response.completed`
 * (or `response.incomplete` / `response.failed`). groq also sends it as `x_groq.usage` on the
 * last chunk.
 */
import { hasObjectField, Needle } from "./json-bytes.js";
import { readSseEvent, sseUsageReader, type SseEventReader } from "./sse.js";
import {
  firstCount,
  isRecord,
  parseJson,
  pathOnly,
  stringOrNull,
  tokenCount,
  type RequestFacts,
  type TokenUsage,
  type UsageFormat,
  type UsageReading,
} from "./usage-format.js";

/**
 * OpenAI counts reasoning tokens inside completion_tokens. xai reports them beside it
 * (total_tokens = prompt + completion + reasoning): when the total says so, they are added.
 */
function outputCount(usage: Record<string, unknown>, input: number): number {
  const output = firstCount(usage, "completion_tokens", "output_tokens") ?? 0;
  const details = usage.completion_tokens_details;
  const reasoning = isRecord(details) ? (tokenCount(details.reasoning_tokens) ?? 0) : 0;
  const total = tokenCount(usage.total_tokens);
  return reasoning > 0 && total === input + output + reasoning ? output + reasoning : output;
}

export function openAiUsage(value: unknown): TokenUsage | null {
  if (!isRecord(value)) return null;
  const input = firstCount(value, "prompt_tokens", "input_tokens");
  const hasOutput = firstCount(value, "completion_tokens", "output_tokens") !== null;
  if (input === null && !hasOutput) return null;
  const inputTokens = input ?? 0;
  const details = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : value.input_tokens_details;
  const cached = isRecord(details) ? (tokenCount(details.cached_tokens) ?? 0) : 0;
  return {
    inputTokens,
    outputTokens: outputCount(value, inputTokens),
    cachedInputTokens: Math.min(cached, inputTokens),
  };
}

/** The usage an answer or stream event carries: top level, a Responses event's response, groq's x_groq. */
function usageOf(json: Record<string, unknown>): TokenUsage | null {
  return (
    openAiUsage(json.usage) ??
    (isRecord(json.response) ? openAiUsage(json.response.usage) : null) ??
    (isRecord(json.x_groq) ? openAiUsage(json.x_groq.usage) : null)
  );
}

function modelOf(json: Record<string, unknown>): string | null {
  return stringOrNull(json.model) ?? (isRecord(json.response) ? stringOrNull(json.response.model) : null);
}

/** The extra chunk include_usage adds: usage and no choices (some servers send null or none). */
function isUsageOnlyChunk(json: Record<string, unknown>): boolean {
  if (!isRecord(json.usage) || json.type !== undefined) return false;
  const choices = json.choices;
  return choices === undefined || choices === null || (Array.isArray(choices) && choices.length === 0);
}

/** Chat Completions and legacy Completions: the endpoints where stream_options is valid. */
function takesStreamOptions(path: string): boolean {
  return /(^|\/)completions\/*$/.test(pathOnly(path));
}

const USAGE = new Needle('"usage"', "g");
const MODEL = new Needle('"model"', "m");

class OpenAiEvents implements SseEventReader {
  private model: string | null = null;
  private usage: TokenUsage | null = null;

  constructor(private readonly dropUsageEvent: boolean) {}

  onEvent(raw: Uint8Array | null): boolean {
    if (raw === null) return false;
    const withUsage = hasObjectField(raw, USAGE);
    // Every chunk names the model; it is read once, from the first that does.
    if (!withUsage && (this.model !== null || !MODEL.in(raw))) return false;
    const { data } = readSseEvent(raw);
    if (data === null) return false;
    const json = parseJson(data);
    if (!isRecord(json)) return false;
    this.model = modelOf(json) ?? this.model;
    if (!withUsage) return false;
    const usage = usageOf(json);
    if (usage === null) return false;
    this.usage = usage;
    return this.dropUsageEvent && isUsageOnlyChunk(json);
  }

  reading(): UsageReading {
    return { model: this.model, usage: this.usage, complete: this.usage !== null };
  }
}

type OpenAiErrorType = "invalid_request_error" | "insufficient_quota" | "requests" | "server_error";

/**
 * OpenAI's own error `type`s: invalid_request_error for 4xx (401 included, as OpenAI answers a
 * bad key), `requests` for a rate limit (as OpenAI's request-rate 429), insufficient_quota for a
 * spent budget, server_error for 5xx.
 */
function openAiErrorType(status: number, code: string): OpenAiErrorType {
  if (status === 429) return code === "budget_exceeded" ? "insufficient_quota" : "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export const openAiFormat: UsageFormat = {
  readRequest(_path: string, body: unknown): RequestFacts {
    if (!isRecord(body)) return { model: null, maxOutputTokens: null, stream: false, wantsUsage: false };
    const options = body.stream_options;
    return {
      model: stringOrNull(body.model),
      maxOutputTokens: firstCount(body, "max_completion_tokens", "max_tokens", "max_output_tokens"),
      stream: body.stream === true,
      wantsUsage: isRecord(options) && options.include_usage === true,
    };
  },

  prepareRequest(path: string, body: unknown, facts: RequestFacts) {
    if (!facts.stream || facts.wantsUsage || !isRecord(body) || !takesStreamOptions(path)) return { body, injected: false };
    const options = isRecord(body.stream_options) ? body.stream_options : {};
    return { body: { ...body, stream_options: { ...options, include_usage: true } }, injected: true };
  },

  readJson(body: unknown): UsageReading {
    if (!isRecord(body)) return { model: null, usage: null, complete: false };
    const usage = usageOf(body);
    return { model: modelOf(body), usage, complete: usage !== null };
  },

  streamReader(opts) {
    return sseUsageReader(new OpenAiEvents(opts.dropUsageEvent), opts);
  },

  errorBody(status: number, message: string, code: string) {
    return { error: { message, type: openAiErrorType(status, code), param: null, code } };
  },
};
