/**
 * Reads a stream whole up to a bound, through plain listeners: a `for await` costs an async
 * iterator and a promise per chunk, a measurable share of a small request's CPU. Past the bound
 * it stops and leaves the stream paused, with what was read, for the caller to drain or relay.
 */
import type { Readable } from "node:stream";

export interface BoundedRead {
  /** Everything read (past the bound: up to and including the chunk that crossed it). */
  bytes: Buffer;
  /** False when the bound was crossed: the rest is still in the (paused) stream. */
  complete: boolean;
}

/** A read that failed, with how many bytes had come before it did. */
export class BoundedReadError extends Error {
  constructor(
    readonly cause: Error,
    readonly bytesRead: number,
  ) {
    super(cause.message);
    this.name = "BoundedReadError";
  }
}

export function readBounded(stream: Readable, maxBytes: number): Promise<BoundedRead> {
  return new Promise<BoundedRead>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const joined = () => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > maxBytes) {
        stop();
        stream.pause();
        resolve({ bytes: joined(), complete: false });
      }
    };
    const onEnd = () => {
      stop();
      resolve({ bytes: joined(), complete: true });
    };
    const onError = (err: Error) => {
      stop();
      reject(new BoundedReadError(err, size));
    };
    // Closed before its end (the other side went away): as `for await` would, a premature close.
    const onClose = () => {
      if (stream.readableEnded) return;
      stop();
      reject(new BoundedReadError(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }), size));
    };
    if (stream.destroyed) return onClose();
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}
