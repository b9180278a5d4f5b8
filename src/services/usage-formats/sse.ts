/**
 * Server-sent events over raw bytes, incrementally: the splitter finds where each event ends
 * (a blank line after `\n`, `\r\n` or `\r` line ends, however the chunks cut them) and hands
 * over the event's raw bytes with its place in the stream. It decodes nothing itself: a format
 * reader looks for a byte pattern first and decodes (readSseEvent) only the few events that can
 * hold usage, which keeps the per-chunk cost to a couple of native indexOf scans. Bytes are
 * decoded per whole event, so a multi-byte UTF-8 character cut across chunks arrives whole.
 *
 * Bounded: an event larger than maxEventBytes is not buffered (its bytes already seen are
 * released) and is handed over as null, so the reader relays it without parsing it.
 */
import { concatBytes } from "./json-bytes.js";
import {
  DEFAULT_MAX_EVENT_BYTES,
  type StreamReaderOptions,
  type StreamUsageReader,
  type UsageReading,
} from "./usage-format.js";

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/** One whole event: its raw bytes (null when over-size) and where it lies in the stream. */
export type SseEventHandler = (raw: Uint8Array | null, start: number, end: number) => void;

export class SseSplitter {
  /** Absolute offset of the next byte to be pushed. */
  private offset = 0;
  /** Absolute offset where the current, not yet ended, event starts. */
  private eventStart = 0;
  /** Copies of the current event's bytes from earlier chunks (none once it is over-size). */
  private pieces: Uint8Array[] = [];
  private piecesLength = 0;
  private oversize = false;
  /** Bytes of the current line seen so far, its terminator excluded. */
  private lineLength = 0;
  /** The last byte pushed was a CR: an LF first in the next chunk belongs to it. */
  private afterCR = false;
  /** That CR ended an event, whose end waits on whether an LF follows. */
  private eventEndsAfterCR = false;
  /** The stream's lines end with LF or CRLF (decided from its first line ends): the fast scan. */
  private lfLines = false;
  /** A lone CR ended a line: the stream is scanned for every kind of line end, to its end. */
  private anyLinesForGood = false;
  /** The last byte of the previous chunk (a CR there and an LF first in this chunk are one CRLF). */
  private lastByte = -1;

  constructor(
    private readonly onEvent: SseEventHandler,
    private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {}

  /** Bytes pushed so far. */
  get position(): number {
    return this.offset;
  }

  /** Where the event not yet ended starts (= position between events). */
  get pendingStart(): number {
    return this.eventStart;
  }

  /** The event not yet ended is over maxEventBytes: its bytes are not being kept. */
  get pendingOversize(): boolean {
    return this.oversize;
  }

  /** Bytes held for the event not yet ended (never more than maxEventBytes). */
  get bufferedBytes(): number {
    return this.piecesLength;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    const base = this.offset;
    if (this.lfLines) this.scanLf(chunk, base);
    else this.scanAny(chunk, base);
    this.lastByte = chunk[n - 1];
    this.offset = base + n;
    this.keepTail(chunk, base);
  }

  /**
   * LF or CRLF line ends: one native indexOf per line. A line holding only a CR is blank (the
   * CR of a CRLF); a CR elsewhere is just a byte of the line.
   */
  private scanLf(chunk: Uint8Array, base: number): void {
    let i = 0;
    let lf = chunk.indexOf(LF);
    while (lf !== -1) {
      const length = this.lineLength + (lf - i);
      const blank = length === 0 || (length === 1 && (lf > i ? chunk[lf - 1] : this.lastByte) === CR);
      this.lineLength = 0;
      i = lf + 1;
      if (blank) this.dispatch(chunk, base, base + i);
      lf = chunk.indexOf(LF, i);
    }
    this.lineLength += chunk.length - i;
  }

  /** Any line ends (LF, CRLF, lone CR), until the stream shows which it uses. */
  private scanAny(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    let i = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (chunk[0] === LF) i = 1;
      if (this.eventEndsAfterCR) {
        this.eventEndsAfterCR = false;
        this.dispatch(chunk, base, base + i);
      }
    }
    let nextLF = chunk.indexOf(LF, i);
    let nextCR = chunk.indexOf(CR, i);
    let loneCR = false;
    let sawEnd = false;
    while (i < n) {
      if (nextLF !== -1 && nextLF < i) nextLF = chunk.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
      let lineEnd: number;
      let next: number;
      let crAtEnd = false;
      if (nextCR !== -1 && (nextLF === -1 || nextCR < nextLF)) {
        lineEnd = nextCR;
        if (lineEnd + 1 < n) {
          next = chunk[lineEnd + 1] === LF ? lineEnd + 2 : lineEnd + 1;
          if (next === lineEnd + 1) loneCR = true;
          else sawEnd = true;
        } else {
          next = n;
          crAtEnd = true;
        }
      } else if (nextLF !== -1) {
        lineEnd = nextLF;
        next = lineEnd + 1;
        sawEnd = true;
      } else {
        this.lineLength += n - i;
        break;
      }
      const blank = this.lineLength === 0 && lineEnd === i;
      this.lineLength = 0;
      i = next;
      if (crAtEnd) {
        this.afterCR = true;
        this.eventEndsAfterCR = blank;
      } else if (blank) {
        this.dispatch(chunk, base, base + next);
      }
    }
    // The first line ends tell: LF or CRLF, and the fast scan takes over from the next chunk.
    if (sawEnd && !loneCR && !this.afterCR) this.lfLines = true;
    if (loneCR) this.anyLinesForGood = true;
    if (this.anyLinesForGood) this.lfLines = false;
  }

  /**
   * At the end of the stream: an event whose last line ended but which lacks the closing blank
   * line is still handed over (a lenient end); an event cut mid-line is not.
   */
  finish(): void {
    if (this.afterCR && this.eventEndsAfterCR) {
      this.afterCR = false;
      this.eventEndsAfterCR = false;
      this.dispatch(EMPTY, this.offset, this.offset);
      return;
    }
    const lineEnded = this.lineLength === 0 || this.lastByte === CR;
    if (this.offset > this.eventStart && lineEnded) this.dispatch(EMPTY, this.offset, this.offset);
  }

  private keepTail(chunk: Uint8Array, base: number): void {
    if (this.oversize) return;
    const from = Math.max(this.eventStart - base, 0);
    const length = chunk.length - from;
    if (length <= 0) return;
    if (this.piecesLength + length > this.maxEventBytes) {
      this.oversize = true;
      this.pieces = [];
      this.piecesLength = 0;
      return;
    }
    // A copy: the caller may reuse its chunk's memory once push returns.
    this.pieces.push(chunk.slice(from));
    this.piecesLength += length;
  }

  /** Hands over the event [eventStart, end); `chunk` holds the stream from `base`. */
  private dispatch(chunk: Uint8Array, base: number, end: number): void {
    const start = this.eventStart;
    let raw: Uint8Array | null = null;
    if (!this.oversize && end - start <= this.maxEventBytes) {
      if (start >= base) raw = chunk.subarray(start - base, end - base);
      else {
        this.pieces.push(chunk.subarray(0, end - base));
        raw = concatBytes(this.pieces, end - start);
      }
    }
    this.pieces = [];
    this.piecesLength = 0;
    this.oversize = false;
    this.eventStart = end;
    this.onEvent(raw, start, end);
  }
}

export interface SseFields {
  event: string | null;
  /** The data lines joined by "\n", null when the event has none. */
  data: string | null;
}

const LINE_BREAK = /\r\n|\r|\n/;
const decoder = new TextDecoder("utf-8");

/** The `event` and `data` fields of one whole event (comments and other fields ignored). */
export function readSseEvent(raw: Uint8Array): SseFields {
  let event: string | null = null;
  let data: string | null = null;
  for (const line of decoder.decode(raw).split(LINE_BREAK)) {
    if (line.length === 0 || line.charCodeAt(0) === 0x3a) continue;
    const colon = line.indexOf(":");
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (name === "data") data = data === null ? value : `${data}\n${value}`;
    else if (name === "event") event = value;
  }
  return { event, data };
}

/**
 * How a format reads events: `onEvent` sees every whole event (raw null when over-size) and
 * answers true to have it dropped, which is honoured only when the reader drops events.
 */
export interface SseEventReader {
  onEvent(raw: Uint8Array | null): boolean;
  reading(): UsageReading;
}

/** A StreamUsageReader over SSE: zero-copy relay, or event-aligned relay when dropping. */
export function sseUsageReader(events: SseEventReader, opts: StreamReaderOptions): StreamUsageReader {
  const max = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (!opts.dropUsageEvent) {
    const splitter = new SseSplitter((raw) => void events.onEvent(raw), max);
    return {
      push(chunk) {
        splitter.push(chunk);
        return chunk;
      },
      finish() {
        splitter.finish();
        return { rest: EMPTY, reading: events.reading() };
      },
    };
  }
  return new DroppingRelay(events, max);
}

/**
 * Relays whole events only, leaving out the ones the reader drops. The bytes of the event not
 * yet ended are held back (at most maxEventBytes: an over-size event is relayed as it comes,
 * since it is never parsed, hence never dropped).
 */
class DroppingRelay implements StreamUsageReader {
  private readonly splitter: SseSplitter;
  /**
   * Chunks (or the tail of one) received but not yet relayed, starting at heldStart in the
   * stream. Kept as a list and joined only when relaying, so an event arriving in many small
   * chunks is copied once, not once per chunk.
   */
  private held: Uint8Array[] = [];
  private heldLength = 0;
  private heldStart = 0;
  /** Ranges [start, end) dropped since the last relay. */
  private cuts: number[] = [];

  constructor(
    private readonly events: SseEventReader,
    max: number,
  ) {
    this.splitter = new SseSplitter((raw, start, end) => {
      if (this.events.onEvent(raw)) this.cuts.push(start, end);
    }, max);
  }

  push(chunk: Uint8Array): Uint8Array {
    this.splitter.push(chunk);
    if (chunk.length > 0) {
      this.held.push(chunk);
      this.heldLength += chunk.length;
    }
    return this.relay(this.splitter.pendingOversize ? this.splitter.position : this.splitter.pendingStart);
  }

  finish(): { rest: Uint8Array; reading: UsageReading } {
    this.splitter.finish();
    const rest = this.relay(this.heldStart + this.heldLength);
    return { rest, reading: this.events.reading() };
  }

  /** Relays the held bytes up to safeEnd, minus the cuts; keeps holding the rest. */
  private relay(safeEnd: number): Uint8Array {
    const start = this.heldStart;
    const end = start + this.heldLength;
    if (safeEnd <= start) return EMPTY;
    // The usual case: one whole chunk, made of whole events, none dropped: relayed as it is.
    if (this.held.length === 1 && this.cuts.length === 0 && safeEnd === end) {
      const out = this.held[0];
      this.held = [];
      this.heldLength = 0;
      this.heldStart = end;
      return out;
    }
    const data = this.held.length === 1 ? this.held[0] : concatBytes(this.held, this.heldLength);
    let out: Uint8Array;
    if (this.cuts.length === 0) out = data.subarray(0, safeEnd - start);
    else {
      const parts: Uint8Array[] = [];
      let cursor = start;
      for (let k = 0; k < this.cuts.length; k += 2) {
        if (this.cuts[k] > cursor) parts.push(data.subarray(cursor - start, this.cuts[k] - start));
        cursor = this.cuts[k + 1];
      }
      if (safeEnd > cursor) parts.push(data.subarray(cursor - start, safeEnd - start));
      out = parts.length === 1 ? parts[0] : concatBytes(parts);
      this.cuts = [];
    }
    this.held = safeEnd < end ? [data.subarray(safeEnd - start)] : [];
    this.heldLength = end - safeEnd;
    this.heldStart = safeEnd;
    return out;
  }
}
