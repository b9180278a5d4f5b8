/**
 * HTTP load through autocannon for the HTTP benchmarks: one request generator, totals summed
 * over alternating rounds (so a noisy moment hurts every target alike), and their report line.
 */
import autocannon, { type RequestData, type Result as CannonResult } from "autocannon";
import { fmtInt } from "./common.js";
import { procCpuSeconds } from "./servers.js";

export interface CannonTarget {
  name: string;
  label: string;
  base: string;
  /** The server's process, whose CPU time is charged to this target. */
  pid: number;
  headers?: Record<string, string>;
  /** The path of each request (autocannon's setupRequest); the base URL's own when absent. */
  path?: () => string;
  /** GET when absent; a POST sends `body` on every request. */
  method?: "GET" | "POST";
  body?: string;
}

export function cannon(
  target: Pick<CannonTarget, "base" | "headers" | "path" | "method" | "body">,
  opts: { connections: number; seconds: number },
): Promise<CannonResult> {
  const { path } = target;
  const method = target.method ?? "GET";
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.base,
        connections: opts.connections,
        duration: opts.seconds,
        pipelining: 1,
        method,
        headers: target.headers,
        ...(target.body === undefined ? {} : { body: target.body }),
        ...(path
          ? {
              requests: [
                {
                  method,
                  setupRequest: (req: RequestData) => {
                    req.path = path();
                    return req;
                  },
                },
              ],
            }
          : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

export interface Totals {
  requests: number;
  seconds: number;
  /** Server CPU seconds (user + system) spent during the measured runs. */
  cpu: number;
  p50s: number[];
  p99s: number[];
  bad: number;
}

export const emptyTotals = (): Totals => ({ requests: 0, seconds: 0, cpu: 0, p50s: [], p99s: [], bad: 0 });
export const rps = (t: Totals) => t.requests / t.seconds;
export const cpuPerReq = (t: Totals) => t.cpu / t.requests;
export const worst = (xs: number[]) => Math.max(...xs);
/** autocannon records whole milliseconds: 0 means "under 1 ms". */
export const ms = (v: number) => (v < 1 ? "<1 ms" : `${v.toFixed(0)} ms`);

function add(t: Totals, r: CannonResult, cpu: number): void {
  t.cpu += cpu;
  t.requests += r.requests.total;
  t.seconds += r.duration;
  t.p50s.push(r.latency.p50);
  t.p99s.push(r.latency.p99);
  t.bad += r.non2xx + r.errors + r.timeouts;
}

/**
 * Warms every target, then runs `rounds` rounds over all of them, the order reversed every other
 * round. Throws when a target answered anything but 2xx, unless `tolerate` names it (a third-party
 * server that times out under the load is a result, not a broken run: its `bad` count says so).
 */
export async function measureAlternating<T extends CannonTarget>(
  targets: readonly T[],
  opts: { connections: number; seconds: number; warmSeconds: number; rounds: number; tolerate?: (name: T["name"]) => boolean },
): Promise<Map<T["name"], Totals>> {
  for (const t of targets) await cannon(t, { connections: opts.connections, seconds: opts.warmSeconds });
  const totals = new Map<T["name"], Totals>(targets.map((t) => [t.name, emptyTotals()]));
  for (let r = 0; r < opts.rounds; r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const cpu0 = procCpuSeconds(t.pid);
      const res = await cannon(t, { connections: opts.connections, seconds: opts.seconds });
      add(totals.get(t.name)!, res, procCpuSeconds(t.pid) - cpu0);
    }
  }
  for (const t of targets) {
    const bad = totals.get(t.name)!.bad;
    if (bad && !opts.tolerate?.(t.name)) throw new Error(`${t.label}: ${bad} non-2xx answers or errors`);
  }
  return totals;
}

/** `  label   12,345 req/s   p50 2 ms   p99 9 ms   server CPU 80 µs/req   123,456 requests` */
export function totalsLine(label: string, tot: Totals, width: number): string {
  return (
    `  ${label.padEnd(width)} ${fmtInt(rps(tot)).padStart(7)} req/s   p50 ${ms(worst(tot.p50s)).padStart(6)}   p99 ${ms(worst(tot.p99s)).padStart(6)}   ` +
    `server CPU ${fmtInt(cpuPerReq(tot) * 1e6).padStart(5)} µs/req   ${fmtInt(tot.requests).padStart(9)} requests`
  );
}
