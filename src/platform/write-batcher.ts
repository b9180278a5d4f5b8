/**
 * Something counted in memory on a hot path and written in batches: every `intervalMs`, on
 * `flush()` and on `close()`. One mechanism for usage counts and tokens' last use, so both
 * lose nothing on a failed write (the batch goes back and is retried) and never write the same
 * item twice (the buffer is swapped before the write; flushes run one after another).
 */
export interface WriteBatcherOptions<B> {
  /** A new, empty buffer. */
  empty(): B;
  isEmpty(buffer: B): boolean;
  /** Put a batch whose write failed back into the current buffer. */
  restore(into: B, failed: B): void;
  write(batch: B): Promise<void>;
  /** Told of a failed write (the batch is already back in the buffer). */
  onError(err: unknown, buffer: B): void;
  /** Flush period; the timer is unref()ed so it never keeps a process alive. 0: no timer. */
  intervalMs: number;
  /** Attempts at close() before giving up (with a short pause between). Default 3. */
  closeAttempts?: number;
}

export interface WriteBatcher<B> {
  /** The buffer to add to now (changes after each flush: read it at every use). */
  buffer(): B;
  /** Writes what is buffered; rejects when the write fails (the batch is kept). */
  flush(): Promise<void>;
  /** Stops the timer and flushes, retrying briefly. Idempotent. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export function createWriteBatcher<B>(opts: WriteBatcherOptions<B>): WriteBatcher<B> {
  let current = opts.empty();
  let closed = false;
  let closing: Promise<void> | undefined;
  /** Flushes run one after another, so close() waits for one already under way. */
  let tail: Promise<void> = Promise.resolve();

  async function writeOnce(): Promise<void> {
    if (opts.isEmpty(current)) return;
    // Swap before writing: what is added during the write goes to the next batch, never twice.
    const batch = current;
    current = opts.empty();
    try {
      await opts.write(batch);
    } catch (err) {
      opts.restore(current, batch);
      opts.onError(err, current);
      throw err;
    }
  }

  function flush(): Promise<void> {
    const run = tail.then(writeOnce);
    tail = run.catch(() => {});
    return run;
  }

  const timer =
    opts.intervalMs > 0
      ? setInterval(() => {
          flush().catch(() => {}); // reported by onError; retried next tick
        }, opts.intervalMs)
      : undefined;
  timer?.unref();

  return {
    buffer: () => current,
    flush,
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        if (timer) clearInterval(timer);
        // A brief database hiccup at shutdown should not cost the last interval's writes.
        const attempts = opts.closeAttempts ?? 3;
        for (let attempt = 1; ; attempt++) {
          try {
            return await flush();
          } catch (err) {
            if (attempt >= attempts) throw err;
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
      })();
      return closing;
    },
    get closed() {
      return closed;
    },
  };
}
