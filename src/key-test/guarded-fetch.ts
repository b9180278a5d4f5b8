import type { LookupAddress, LookupOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { AppError } from "../platform/errors.js";
import { endpointHostname, resolvePublicEndpoint, type LookupFn, type ResolvedAddress } from "./ssrf-guard.js";

/** What a hostile endpoint can make us hold in memory: the rest of its answer is dropped. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface GuardedRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Aborts the whole exchange, DNS lookup and body included. */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** At most `maxBodyBytes` of the answer. */
  body: Buffer;
  truncated: boolean;
}

export interface GuardedFetchOptions {
  /** Skip the address check (built-in services, or the operator allows private endpoints). */
  allowPrivate: boolean;
  lookup?: LookupFn;
  maxBodyBytes?: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for the socket that answers only with the addresses already vetted. */
export function pinnedLookup(vetted: ResolvedAddress[]) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const wanted = options.family === 4 || options.family === 6 ? vetted.filter((a) => a.family === options.family) : vetted;
    if (wanted.length === 0) {
      callback(Object.assign(new Error("No vetted address of the requested family"), { code: "ENOTFOUND" }), "");
    } else if (options.all) {
      callback(null, wanted);
    } else {
      callback(null, wanted[0].address, wanted[0].family);
    }
  };
}

/**
 * One HTTP(S) request that cannot be steered to an address the guard did not check:
 * the host is resolved once, every answer vetted (unless `allowPrivate`), and the socket
 * connects to those answers only, so a DNS answer that changes between check and connect
 * (rebinding) changes nothing. TLS still verifies, and `Host` still names, the hostname.
 * Redirects are never followed: a 3xx is returned as it is.
 */
export async function guardedFetch(url: URL, init: GuardedRequest, opts: GuardedFetchOptions): Promise<GuardedResponse> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("VALIDATION_ERROR", "Endpoint must use https or http");
  }
  const { signal } = init;
  signal?.throwIfAborted();
  const hostname = endpointHostname(url);
  const vetted = await resolvePublicEndpoint(url, { allowPrivate: opts.allowPrivate, lookup: opts.lookup, signal });
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));

  return new Promise<GuardedResponse>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const fail = (err: unknown) => {
      settle(() => reject(err));
      req.destroy();
    };
    const onAbort = () => fail(signal?.reason);

    const request = url.protocol === "https:" ? https.request : http.request;
    const req = request({
      host: hostname,
      port: url.port || undefined,
      method: init.method,
      path: `${url.pathname}${url.search}`,
      headers,
      // A fresh connection per test: a pooled socket could have been opened to another address.
      agent: false,
      lookup: net.isIP(hostname) ? undefined : pinnedLookup(vetted),
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (truncated: boolean) => {
        settle(() =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated }),
        );
        if (truncated) req.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        const room = maxBodyBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBodyBytes;
          finish(true);
        } else {
          chunks.push(chunk);
          size += chunk.length;
        }
      });
      res.on("end", () => finish(false));
      res.on("error", fail);
      res.on("aborted", () => fail(Object.assign(new Error("The answer was cut off"), { code: "ECONNRESET" })));
    });
    req.end(init.body);
  });
}
