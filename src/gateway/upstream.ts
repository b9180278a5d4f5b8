/**
 * One request to a provider over Node's own http/https with keep-alive agents (fetch would add
 * a web-stream layer per chunk). The socket timeout bounds the wait for the answer to start and
 * every pause between its chunks; `abort` ends the exchange at once (a caller that went away).
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";

const agents = {
  "http:": new http.Agent({ keepAlive: true, scheduling: "lifo" }),
  "https:": new https.Agent({ keepAlive: true, scheduling: "lifo" }),
};

/** Why the upstream gave no (whole) answer, in the gateway's words. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: "timeout" | "unreachable" | "aborted",
    message: string,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

export interface UpstreamCall {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  /** A read body, a stream to pipe, or none. */
  body: Buffer | Readable | null;
  timeoutMs: number;
  /** Connect only to vetted addresses (custom endpoints). */
  lookup?: LookupFunction;
}

export interface UpstreamExchange {
  response: Promise<IncomingMessage>;
  abort(reason: UpstreamError): void;
}

export function sendUpstream(call: UpstreamCall): UpstreamExchange {
  let current: http.ClientRequest;
  let aborted: UpstreamError | undefined;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    const attempt = (retry: boolean) => {
      const req = start(call);
      current = req;
      req.once("response", resolve);
      req.once("error", (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the provider had just closed: the request never reached it. Sent
        // again once on a new socket — only a body we hold (a streamed one is partly read).
        if (retry && aborted === undefined && req.reusedSocket && err.code === "ECONNRESET" && !isStream(call.body)) return attempt(false);
        if (err instanceof UpstreamError) reject(err);
        else reject(new UpstreamError("unreachable", `The provider could not be reached (${err.code ?? err.message})`));
      });
    };
    attempt(true);
  });
  return {
    response,
    abort: (reason) => {
      aborted = reason;
      current.destroy(reason);
    },
  };
}

const isStream = (body: UpstreamCall["body"]): boolean => body !== null && !Buffer.isBuffer(body);

function start(call: UpstreamCall): http.ClientRequest {
  const { url } = call;
  const client = url.protocol === "https:" ? https : http;
  const req = client.request(url, {
    method: call.method,
    headers: call.headers,
    agent: agents[url.protocol as "http:" | "https:"],
    ...(call.lookup ? { lookup: call.lookup } : {}),
  });
  req.setTimeout(call.timeoutMs, () => {
    req.destroy(new UpstreamError("timeout", `The provider did not answer within ${Math.round(call.timeoutMs / 1000)} s`));
  });
  const body = call.body;
  if (body === null) req.end();
  else if (Buffer.isBuffer(body)) req.end(body);
  else {
    body.on("error", (err) => req.destroy(new UpstreamError("aborted", `The request body could not be read (${err.message})`)));
    body.pipe(req);
  }
  return req;
}
