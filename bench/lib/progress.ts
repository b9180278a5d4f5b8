/**
 * One updating progress line on stderr: `label  done / total (pct)  rate/s  ETA`.
 * On a terminal the line is rewritten in place; otherwise (pipes, CI, the smoke test) a plain
 * line is written at most every few seconds, so logs stay short.
 */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = "rows",
    private readonly enabled = true,
  ) {}

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < (this.tty ? 200 : 5000)) return;
    this.lastDraw = now;
    const secs = (now - this.started) / 1000;
    const rate = done / Math.max(secs, 1e-6);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = this.total ? ((done / this.total) * 100).toFixed(1) : "100.0";
    const text =
      `${this.label}: ${done.toLocaleString("en-US")} / ${this.total.toLocaleString("en-US")} ${this.unit} (${pct}%)` +
      `  ${Math.round(rate).toLocaleString("en-US")} ${this.unit}/s  ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : "?"}`;
    process.stderr.write(this.tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  finish(done: number, note = ""): void {
    if (!this.enabled) return;
    const secs = (performance.now() - this.started) / 1000;
    const text =
      `${this.label}: ${done.toLocaleString("en-US")} ${this.unit} in ${secs.toFixed(1)} s` +
      ` (${Math.round(done / Math.max(secs, 1e-6)).toLocaleString("en-US")} ${this.unit}/s)${note}`;
    process.stderr.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  }
}
