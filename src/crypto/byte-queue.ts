/**
 * Bytes received but not yet used, kept as the pieces they came in: taking a chunk copies
 * only that chunk, never everything buffered (which would make a stream quadratic).
 */
export class ByteQueue {
  #pieces: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#pieces.push(piece);
    this.#length += piece.length;
  }

  /** A copy of the first `n` bytes (fewer if fewer are queued), left in the queue. */
  peek(n: number): Buffer {
    const out = Buffer.alloc(Math.min(n, this.#length));
    let filled = 0;
    for (const piece of this.#pieces) {
      if (filled === out.length) break;
      filled += piece.copy(out, filled, 0, Math.min(piece.length, out.length - filled));
    }
    return out;
  }

  /** Removes and returns the first `n` bytes; `n` must not exceed `length`. */
  take(n: number): Buffer {
    if (n > this.#length) throw new RangeError("ByteQueue.take beyond its length");
    const out = this.peek(n);
    let left = n;
    while (left > 0) {
      const first = this.#pieces[0];
      if (first.length <= left) {
        this.#pieces.shift();
        left -= first.length;
      } else {
        this.#pieces[0] = first.subarray(left);
        left = 0;
      }
    }
    this.#length -= n;
    return out;
  }
}
