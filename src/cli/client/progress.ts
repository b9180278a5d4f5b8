/**
 * Progress on stderr, and only when stderr is a terminal: a pipe or a log file gets no
 * carriage returns or spinner frames, and stdout stays clean for `get` and `keys list`.
 */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Progress {
  /** Replaces the progress line (e.g. "3/12 OPENAI_API_KEY"). */
  update(text: string): void;
  /** Clears the line; call before printing anything else to stderr. */
  clear(): void;
}

const silent: Progress = { update: () => {}, clear: () => {} };

export function progressLine(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silent;
  let shown = false;
  return {
    update(text) {
      // A terminal that reports no size (0 columns) gets the classic 80.
      const width = Math.max(10, (stream.columns || 80) - 1);
      stream.write(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + "…" : text}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}

/**
 * Awaits `work`; if it takes longer than `delayMs` (1 s), a spinner with `label` turns on the
 * terminal until it settles, so quick answers never flicker.
 */
export async function withSpinner<T>(label: string, work: Promise<T>, { delayMs = 1000, stream = process.stderr } = {}): Promise<T> {
  if (!stream.isTTY) return work;
  const line = progressLine(stream);
  let frame = 0;
  let ticker: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    const draw = () => line.update(`${FRAMES[frame++ % FRAMES.length]} ${label}`);
    draw();
    ticker = setInterval(draw, 100);
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(start);
    if (ticker) clearInterval(ticker);
    line.clear();
  }
}
