/**
 * Cheap looks into raw JSON bytes, before deciding to decode and parse an event. In valid JSON a
 * quoted key such as `"usage"` cannot appear inside a string value (its quotes would be escaped),
 * so a byte match is a key or a whole string value; hasObjectField tells the two apart.
 */
import { Buffer } from "node:buffer";

export function bytesOf(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

const DATA_FIELD = bytesOf("data:");

/** Skips JSON whitespace, and an SSE `data:` prefix where the JSON continues on another data line. */
function skipSpace(raw: Buffer, at: number): number {
  let i = at;
  for (;;) {
    const b = raw[i];
    if (b === 0x20 || b === 0x09 || b === 0x0d) i++;
    else if (b === 0x0a) {
      i++;
      if (raw.indexOf(DATA_FIELD, i) === i) i += DATA_FIELD.length;
    } else return i;
  }
}

/** The bytes hold `quotedKey` followed by `:` and an object, e.g. `"usage": {` but not `"usage":null`. */
export function hasObjectField(raw: Buffer, quotedKey: Buffer): boolean {
  let from = 0;
  for (;;) {
    const at = raw.indexOf(quotedKey, from);
    if (at === -1) return false;
    let i = skipSpace(raw, at + quotedKey.length);
    if (raw[i] === 0x3a) {
      i = skipSpace(raw, i + 1);
      if (raw[i] === 0x7b) return true;
    }
    from = at + 1;
  }
}
