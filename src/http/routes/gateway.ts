/**
 * /gateway/*: hands Node's own request to the gateway (gateway/gateway-service.ts decides
 * everything) and writes its reply straight to Node's response — a streamed answer piped, so
 * backpressure holds and a caller who leaves aborts the upstream request at once.
 */
import { pipeline, Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import type { Context } from "hono";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { GatewayReply, GatewayService } from "../../gateway/gateway-service.js";
import type { AppEnv } from "../app-env.js";
import { requestOrigin } from "../middleware/request-origin.js";
import { nodeIncoming } from "../node-bindings.js";
import type { ServerResponse } from "node:http";

/** A reply as a web Response, for `app.request()` and runtimes without Node's objects. */
function webResponse(reply: GatewayReply): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
  }
  const body = Buffer.isBuffer(reply.body) ? new Uint8Array(reply.body) : (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>);
  return new Response(reply.status === 204 || reply.status === 304 ? null : body, { status: reply.status, headers });
}

export function gatewayRoute(deps: { gateway: GatewayService; trustProxy: boolean }) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const incoming = nodeIncoming(c);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const abort = new AbortController();
    const origin = requestOrigin(c, deps.trustProxy);
    if (!incoming || !outgoing) {
      const raw = c.req.raw;
      const headers: IncomingHttpHeaders = {};
      raw.headers.forEach((value, name) => (headers[name] = value));
      const url = new URL(raw.url);
      const body = raw.body ? Readable.fromWeb(raw.body as import("node:stream/web").ReadableStream<Uint8Array>) : Readable.from([]);
      return webResponse(await deps.gateway.handle({ url: url.pathname + url.search, method: raw.method, headers, body, origin, signal: abort.signal }));
    }
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) abort.abort();
    });
    const reply = await deps.gateway.handle({ url: incoming.url ?? "/", method: incoming.method ?? "GET", headers: incoming.headers, body: incoming, origin, signal: abort.signal });
    outgoing.writeHead(reply.status, reply.headers);
    if (Buffer.isBuffer(reply.body)) outgoing.end(reply.body);
    else pipeline(reply.body, outgoing, () => {});
    return RESPONSE_ALREADY_SENT;
  };
}
