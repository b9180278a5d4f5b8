// autocannon ships no types: the calls bench/http.ts, bench/resolve.ts and bench/gateway.ts make, and the part of the result they read.
declare module "autocannon" {
  /** One request as autocannon builds it; `setupRequest` may change it before every send. */
  export interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: RequestData) => RequestData;
  }
  export interface Options {
    url: string;
    connections: number;
    duration: number;
    pipelining: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestData[];
  }
  export interface Result {
    /** total: answers received; sent: requests written (some still unanswered when the run ended). */
    requests: { average: number; total: number; sent?: number };
    latency: { p50: number; p99: number; average: number };
    duration: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  export default function autocannon(opts: Options, done: (err: Error | null, result: Result) => void): unknown;
}
