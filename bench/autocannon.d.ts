// autocannon ships no types: the calls bench/http.ts and bench/resolve.ts make, and the part of the result they read.
declare module "autocannon" {
  /** One request as autocannon builds it; `setupRequest` may change it before every send. */
  export interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    setupRequest?: (req: RequestData) => RequestData;
  }
  export interface Options {
    url: string;
    connections: number;
    duration: number;
    pipelining: number;
    headers?: Record<string, string>;
    requests?: RequestData[];
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
