import type { KeyValue } from "./key-format.js";
import type { ServiceId, StringServiceId } from "../shared/service-ids.js";

/**
 * The part of a key shown as-is. OpenAI shows only `sk-`: its `sk-proj-…` keys carry
 * project ids after the prefix, which are not ours to reveal.
 */
const MASK_PREFIXES: Record<StringServiceId, string> = {
  openai: "sk-",
  anthropic: "sk-ant-",
  google: "AIza",
  groq: "gsk_",
  xai: "xai-",
  custom: "",
};

const ELLIPSIS = "…";
const REVEALED_TAIL = 4;
/** Below this many characters after the prefix, showing the last 4 would give away too much. */
export const MIN_LENGTH_TO_REVEAL_TAIL = 12;

function maskString(raw: string, prefix: string): string {
  const value = raw.trim();
  // A value that does not carry the expected prefix gets none: the mask must not claim one.
  const shown = prefix && value.startsWith(prefix) ? prefix : "";
  const rest = value.slice(shown.length);
  const tail = rest.length >= MIN_LENGTH_TO_REVEAL_TAIL ? rest.slice(-REVEALED_TAIL) : "";
  return `${shown}${ELLIPSIS}${tail}`;
}

/**
 * The `maskedValue` of an ApiKey: the service's prefix, `…`, and the last 4 characters when
 * the key is long enough. For AWS only the access key ID is masked; the secret never shows.
 */
export function maskKeyValue(service: ServiceId, value: KeyValue): string {
  if (service === "aws") {
    if (typeof value !== "object" || value === null || typeof value.accessKeyId !== "string") return ELLIPSIS;
    const id = value.accessKeyId.trim();
    return maskString(id, /^A[KS]IA/.test(id) ? id.slice(0, 4) : "");
  }
  if (typeof value !== "string") return ELLIPSIS;
  return maskString(value, MASK_PREFIXES[service] ?? "");
}
