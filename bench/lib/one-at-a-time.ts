/**
 * One request at a time, timed in the client with process.hrtime: what a single caller waits for,
 * without the queueing of a loaded server. Targets alternate in slices (so a noisy moment on a
 * shared 2-core box hits them alike), each over a keep-alive socket of its own.
 */
import http from "node:http";
import { Samples } from "./common.js";

export interface SequentialTarget {
  name: string;
  /** Full URL of the request. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Timed {
  status: number;
  /** Request written → first byte of the body. */
  firstChunkMs: number;
  /** Request written → end of the answer. */
  totalMs: number;
  /** How many `data:` lines of an SSE stream the body held (0 for JSON). */
  sseEvents: number;
  /** How many reads the body came in: a stream relayed chunk by chunk arrives in many. */
  reads: number;
  body: string;
}

const ns = () => process.hrtime.bigint();
const msSince = (t0: bigint) => Number(ns() - t0) / 1e6;

/** One POST over `agent`, timed. Keeps the body (the answers here are small). */
export function timedRequest(agent: http.Agent, t: Pick<SequentialTarget, "url" | "headers" | "body">): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = ns();
    let first = NaN;
    let reads = 0;
    const parts: Buffer[] = [];
    const req = http.request(t.url, { method: "POST", agent, headers: { ...t.headers, "content-length": Buffer.byteLength(t.body) } }, (res) => {
      res.on("data", (d: Buffer) => {
        if (reads++ === 0) first = msSince(t0);
        parts.push(d);
      });
      res.once("error", reject);
      res.once("end", () => {
        const totalMs = msSince(t0);
        const body = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode ?? 0, firstChunkMs: first, totalMs, sseEvents: body.match(/^data: /gm)?.length ?? 0, reads, body });
      });
    });
    req.once("error", reject);
    req.end(t.body);
  });
}

export interface SequentialResult {
  total: Samples;
  firstChunk: Samples;
  /** Reads per answer (the last answer's; every answer is checked to be 200). */
  reads: number[];
  sseEvents: number;
}

/**
 * `perTarget` sequential requests to each target, in `slices` alternating slices (order reversed
 * every other slice). Throws on any answer but 200, or when `check` refuses an answer.
 */
export async function sequential(
  targets: readonly SequentialTarget[],
  opts: { perTarget: number; slices: number; check?: (t: SequentialTarget, r: Timed) => string | undefined },
): Promise<Map<string, SequentialResult>> {
  const agents = new Map(targets.map((t) => [t.name, new http.Agent({ keepAlive: true, maxSockets: 1 })]));
  const out = new Map<string, SequentialResult>(targets.map((t) => [t.name, { total: new Samples(), firstChunk: new Samples(), reads: [], sseEvents: 0 }]));
  try {
    for (let s = 0; s < opts.slices; s++) {
      const n = Math.floor(opts.perTarget / opts.slices) + (s < opts.perTarget % opts.slices ? 1 : 0);
      for (const t of s % 2 === 0 ? targets : [...targets].reverse()) {
        const agent = agents.get(t.name)!;
        const res = out.get(t.name)!;
        for (let i = 0; i < n; i++) {
          const r = await timedRequest(agent, t);
          if (r.status !== 200) throw new Error(`${t.name}: answered ${r.status}: ${r.body.slice(0, 300)}`);
          const refused = opts.check?.(t, r);
          if (refused) throw new Error(`${t.name}: ${refused}`);
          res.total.push(r.totalMs);
          res.firstChunk.push(r.firstChunkMs);
          res.reads.push(r.reads);
          res.sseEvents = r.sseEvents;
        }
      }
    }
  } finally {
    for (const a of agents.values()) a.destroy();
  }
  return out;
}
