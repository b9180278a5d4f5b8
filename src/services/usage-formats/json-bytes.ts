/**
 * Cheap looks into raw bytes, before deciding to decode and parse an event. In valid JSON a
 * quoted key such as `"usage"` cannot appear inside a string value (its quotes would be escaped),
 * so a byte match is a key or a whole string value; hasObjectField tells the two apart.
 */

/**
 * A byte pattern found by a native indexOf on one of its rarer bytes (the anchor) and checked
 * around it: far cheaper than a general substring search on short events.
 */
export class Needle {
  readonly bytes: Uint8Array;
  private readonly anchorAt: number;
  private readonly anchor: number;

  constructor(text: string, anchor: string) {
    this.bytes = new TextEncoder().encode(text);
    this.anchorAt = text.indexOf(anchor);
    if (this.anchorAt === -1 || anchor.length !== 1) throw new Error(`anchor ${anchor} not in ${text}`);
    this.anchor = this.bytes[this.anchorAt];
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Where the pattern starts in `hay` at or after `from`, or -1. */
  indexIn(hay: Uint8Array, from = 0): number {
    const bytes = this.bytes;
    const last = hay.length - bytes.length;
    let at = hay.indexOf(this.anchor, from + this.anchorAt);
    while (at !== -1) {
      const start = at - this.anchorAt;
      if (start > last) return -1;
      let k = 0;
      while (k < bytes.length && hay[start + k] === bytes[k]) k++;
      if (k === bytes.length) return start;
      at = hay.indexOf(this.anchor, at + 1);
    }
    return -1;
  }

  in(hay: Uint8Array): boolean {
    return this.indexIn(hay) !== -1;
  }

  /** The pattern sits exactly at `at`. */
  at(hay: Uint8Array, at: number): boolean {
    const bytes = this.bytes;
    if (at + bytes.length > hay.length) return false;
    for (let k = 0; k < bytes.length; k++) if (hay[at + k] !== bytes[k]) return false;
    return true;
  }
}

const DATA_FIELD = new Needle("data:", "d");

/** Skips JSON whitespace, and an SSE `data:` prefix where the JSON continues on another data line. */
function skipSpace(raw: Uint8Array, at: number): number {
  let i = at;
  for (;;) {
    const b = raw[i];
    if (b === 0x20 || b === 0x09 || b === 0x0d) i++;
    else if (b === 0x0a) {
      i++;
      if (DATA_FIELD.at(raw, i)) i += DATA_FIELD.length;
    } else return i;
  }
}

/** The bytes hold `quotedKey` followed by `:` and an object, e.g. `"usage": {` but not `"usage":null`. */
export function hasObjectField(raw: Uint8Array, quotedKey: Needle): boolean {
  let from = 0;
  for (;;) {
    const at = quotedKey.indexIn(raw, from);
    if (at === -1) return false;
    let i = skipSpace(raw, at + quotedKey.length);
    if (raw[i] === 0x3a) {
      i = skipSpace(raw, i + 1);
      if (raw[i] === 0x7b) return true;
    }
    from = at + 1;
  }
}

/** The pieces joined into one new array. */
export function concatBytes(pieces: readonly Uint8Array[], length = pieces.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
