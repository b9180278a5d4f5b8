import { shapePrefixes } from "../shared/key-shapes.js";
import type { ServiceId } from "../shared/service-ids.js";
import type { KeyValue } from "./provider-definition.js";
import { findService } from "./registry.js";

const ELLIPSIS = "…";
const REVEALED_TAIL = 4;
/** Below this many characters after the prefix, showing the last 4 would give away too much. */
export const MIN_LENGTH_TO_REVEAL_TAIL = 12;

function maskString(raw: string, prefixes: readonly string[]): string {
  const value = raw.trim();
  // A value that does not carry one of the shape's prefixes gets none: the mask must not claim one.
  const shown = prefixes.find((prefix) => prefix && value.startsWith(prefix)) ?? "";
  const rest = value.slice(shown.length);
  const tail = rest.length >= MIN_LENGTH_TO_REVEAL_TAIL ? rest.slice(-REVEALED_TAIL) : "";
  return `${shown}${ELLIPSIS}${tail}`;
}

/**
 * The `maskedValue` of an ApiKey: the prefix of the service's key shape (the part every key of
 * the service shares), `…`, and the last 4 characters when the key is long enough. For AWS
 * only the access key ID is masked; the secret never shows.
 */
export function maskKeyValue(service: ServiceId, value: KeyValue): string {
  const definition = findService(service);
  const prefixes = definition ? shapePrefixes(definition.keyShape) : [];
  if (definition?.valueKind === "aws") {
    if (typeof value !== "object" || value === null || typeof value.accessKeyId !== "string") return ELLIPSIS;
    return maskString(value.accessKeyId, prefixes);
  }
  if (typeof value !== "string") return ELLIPSIS;
  return maskString(value, prefixes);
}
