// autocannon ships no types: the call bench/http.ts makes, and the part of the result it reads.
declare module "autocannon" {
  export interface Options {
    url: string;
    connections: number;
    duration: number;
    pipelining: number;
    headers?: Record<string, string>;
  }
  export interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    duration: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  export default function autocannon(opts: Options, done: (err: Error | null, result: Result) => void): unknown;
}
