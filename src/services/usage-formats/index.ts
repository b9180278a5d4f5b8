/**
 * The gateway's per-format pieces: read a request's facts, prepare its body, read the usage of
 * an answer (JSON or streamed) and write the provider's own error body. openai serves openai,
 * groq, xai and custom endpoints; anthropic and gemini their own providers.
 */
import { anthropicFormat } from "./anthropic.js";
import { geminiFormat } from "./gemini.js";
import { openAiFormat } from "./openai.js";
import type { UsageFormat, UsageFormatId } from "./usage-format.js";

export const USAGE_FORMATS: Record<UsageFormatId, UsageFormat> = {
  openai: openAiFormat,
  anthropic: anthropicFormat,
  gemini: geminiFormat,
};

export { SseSplitter, readSseEvent, type SseFields } from "./sse.js";
export {
  DEFAULT_MAX_EVENT_BYTES,
  type RequestFacts,
  type StreamReaderOptions,
  type StreamUsageReader,
  type TokenUsage,
  type UsageFormat,
  type UsageFormatId,
  type UsageReading,
} from "./usage-format.js";
