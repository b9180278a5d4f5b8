/**
 * In-process latency measurement for the library benches (handout, team-handout): sequential
 * awaits over a list of inputs, variants alternating in slices so drift on a shared 2-core box
 * hits them alike, with this process's CPU share and the GC pauses of each variant's windows.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { fmtInt, fmtMs, Samples, type LatencyStats } from "./common.js";

export type Op<T> = (input: T) => Promise<unknown>;

/** GC pauses, attributed afterwards to the time windows of each measured variant. */
const gcPauses: { start: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration });
}).observe({ entryTypes: ["gc"] });

export interface Window {
  start: number;
  end: number;
  cpuMs: number;
}

function gcIn(windows: Window[]): { count: number; ms: number; max: number } {
  let count = 0;
  let ms = 0;
  let max = 0;
  for (const p of gcPauses) {
    if (windows.some((w) => p.start >= w.start && p.start < w.end)) {
      count++;
      ms += p.ms;
      max = Math.max(max, p.ms);
    }
  }
  return { count, ms, max };
}

/**
 * Runs `op` over `inputs` (cycling) with `workers` loops of sequential awaits for `ms`.
 * Every millisecond the loop yields to the event loop (setImmediate), as an application does
 * between requests: on SQLite every call resolves in microtasks, so without this the usage
 * recorder's flush timer would never fire during the measurement. The yield costs every
 * variant the same few microseconds per millisecond.
 */
export async function measure<T>(
  op: Op<T>,
  inputs: T[],
  ms: number,
  workers = 1,
  samples = new Samples(),
  windows: Window[] = [],
): Promise<{ samples: Samples; seconds: number }> {
  let i = Math.floor(Math.random() * inputs.length);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  const loop = async () => {
    let lastYield = performance.now();
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      if (t0 - lastYield >= 1) {
        await new Promise(setImmediate);
        lastYield = performance.now();
        continue;
      }
      const input = inputs[i++ % inputs.length];
      await op(input);
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  const stop = performance.now();
  const cpu = process.cpuUsage(cpu0);
  windows.push({ start, end: stop, cpuMs: (cpu.user + cpu.system) / 1000 });
  return { samples, seconds: (stop - start) / 1000 };
}

export interface Measured extends LatencyStats {
  /** CPU time of this process / wall time while measuring (1.0 = one full core; less = the box was busy). */
  cpuShare: number;
  gc: { count: number; ms: number; max: number };
}

export function summarize(samples: Samples, seconds: number, windows: Window[]): Measured {
  const wall = windows.reduce((t, w) => t + (w.end - w.start), 0);
  const cpu = windows.reduce((t, w) => t + w.cpuMs, 0);
  return { ...samples.stats(seconds), cpuShare: cpu / wall, gc: gcIn(windows) };
}

export interface Variant<T> {
  op: Op<T>;
  inputs: T[];
}

/**
 * The variants alternate in `rounds` slices of `totalMs / rounds` each, every round starting one
 * variant later (two variants: A B, then B A), so drift hits them alike. Results in the given order.
 */
export async function alternate<T>(variants: Variant<T>[], totalMs: number, rounds: number, workers = 1): Promise<Measured[]> {
  const samples = variants.map(() => new Samples());
  const windows: Window[][] = variants.map(() => []);
  const seconds = variants.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (r + k) % variants.length;
      seconds[v] += (await measure(variants[v].op, variants[v].inputs, totalMs / rounds, workers, samples[v], windows[v])).seconds;
    }
  }
  return variants.map((_, v) => summarize(samples[v], seconds[v], windows[v]));
}

export function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One result line: ops/s, p50, p99, max, calls, CPU share, GC share. */
export const row = (label: string, s: Measured) =>
  `  ${label.padEnd(38)} ${fmtInt(s.opsPerSec).padStart(9)} ops/s   p50 ${fmtMs(s.p50).padStart(8)}   p99 ${fmtMs(s.p99).padStart(8)}   ` +
  `max ${fmtMs(s.max).padStart(8)}   ${fmtInt(s.ops).padStart(9)} calls   CPU ${(s.cpuShare * 100).toFixed(0).padStart(3)}%   ` +
  `GC ${((s.gc.ms / (s.seconds * 1000)) * 100).toFixed(1)}% (longest ${fmtMs(s.gc.max)})`;
