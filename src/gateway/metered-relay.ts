/**
 * A streamed answer on its way to the caller: each upstream chunk goes through the format's
 * usage reader (which returns the same bytes unless it drops the usage event we asked for) and
 * on, as it arrives — never gathered. When the answer ends, or is cut (the caller left, the
 * provider stalled or reset), `onDone` hears once what was read and how many events passed.
 */
import { Transform, type TransformCallback } from "node:stream";
import type { StreamUsageReader, UsageReading } from "../services/usage-formats/usage-format.js";

const NO_READING: UsageReading = { model: null, usage: null, complete: false };
const NEWLINE = 0x0a;

export interface RelayOutcome {
  reading: UsageReading;
  /** The answer reached its end (false: cut short). */
  ended: boolean;
  bytes: number;
  /** Lines starting an SSE `data:` field, for estimating output when usage never came. */
  events: number;
}

export class MeteredRelay extends Transform {
  private bytes = 0;
  private events = 0;
  private done = false;

  constructor(
    private readonly reader: StreamUsageReader | null,
    private readonly onDone: (outcome: RelayOutcome) => void,
  ) {
    super();
  }

  private countEvents(chunk: Buffer): void {
    // "\ndata:" per event line; native indexOf, no decoding.
    let i = chunk.indexOf("data:");
    while (i !== -1) {
      if (i === 0 || chunk[i - 1] === NEWLINE) this.events++;
      i = chunk.indexOf("data:", i + 5);
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (!this.reader) return callback(null, chunk);
    this.countEvents(chunk);
    const out = this.reader.push(chunk);
    callback(null, out.length > 0 ? out : undefined);
  }

  override _flush(callback: TransformCallback): void {
    const finished = this.reader?.finish();
    if (finished && finished.rest.length > 0) this.push(finished.rest);
    this.finishOnce(finished?.reading ?? NO_READING, true);
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.done) this.finishOnce(this.reader?.finish().reading ?? NO_READING, false);
    callback(err);
  }

  private finishOnce(reading: UsageReading, ended: boolean): void {
    if (this.done) return;
    this.done = true;
    this.onDone({ reading, ended, bytes: this.bytes, events: this.events });
  }
}
