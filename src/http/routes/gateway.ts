/**
 * /gateway/*: hands Node's own request to the gateway (gateway/gateway-service.ts decides
 * everything) and writes its reply straight to Node's response — a streamed answer piped, so
 * backpressure holds and a caller who leaves aborts the upstream request at once.
 *
 * On Node the server calls `nodeGatewayHandler` for /gateway/ paths before Hono (server.ts):
 * the gateway answers as the provider would and uses no middleware, and going through Hono —
 * its Request, its context, the middleware chain, RESPONSE_ALREADY_SENT — cost as much CPU as
 * forwarding the request. The Hono route stays for `app.request()` and paths Node does not give
 * as /gateway/… (an absolute-form request line).
 */
import { pipeline, Readable } from "node:stream";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { RequestOrigin } from "../../access/actor.js";
import type { GatewayReply, GatewayService } from "../../gateway/gateway-service.js";
import type { AppEnv } from "../app-env.js";
import { HSTS_HEADER, SECURITY_HEADERS } from "../middleware/security.js";
import { nodeIncoming } from "../node-bindings.js";

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

export interface GatewayHttpDeps {
  gateway: GatewayService;
  trustProxy: boolean;
  /** The public URL is https: HSTS too (as securityHeaders sends it on every other answer). */
  https: boolean;
}

/** Where a request came from (as middleware/request-origin.ts reads it from Hono's context). */
function originOf(incoming: IncomingMessage, trustProxy: boolean): RequestOrigin {
  let ip: string | undefined;
  if (trustProxy) {
    const forwarded = incoming.headers["x-forwarded-for"];
    ip = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").pop()?.trim() || undefined;
  }
  ip ??= incoming.socket?.remoteAddress;
  return { ip: ip ?? null, userAgent: incoming.headers["user-agent"] ?? null };
}

export type NodeGatewayHandler = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/** Serves one /gateway/ request on Node's own objects. Never throws (the service answers errors). */
export function nodeGatewayHandler(deps: GatewayHttpDeps): NodeGatewayHandler {
  const security = deps.https ? [...SECURITY_HEADERS, HSTS_HEADER] : SECURITY_HEADERS;
  return (incoming, outgoing) => {
    for (const [name, value] of security) outgoing.setHeader(name, value);
    let gone = false;
    let onGone: (() => void) | undefined;
    outgoing.once("close", () => {
      if (outgoing.writableFinished) return;
      gone = true;
      onGone?.();
    });
    deps.gateway
      .handle({
        url: incoming.url ?? "/",
        method: incoming.method ?? "GET",
        headers: incoming.headers,
        body: incoming,
        origin: originOf(incoming, deps.trustProxy),
        onCallerGone: (abort) => {
          if (gone) abort();
          else onGone = abort;
        },
      })
      .then(
        (reply) => {
          outgoing.writeHead(reply.status, reply.headers);
          if (Buffer.isBuffer(reply.body)) outgoing.end(reply.body);
          else pipeline(reply.body, outgoing, () => {});
        },
        // handle() answers every error itself; this is only a last resort.
        () => {
          if (!outgoing.headersSent) outgoing.writeHead(500);
          outgoing.end();
        },
      );
  };
}

/** The same through Hono: on Node with its objects, else as a web Response. */
export function gatewayRoute(deps: GatewayHttpDeps & { node: NodeGatewayHandler }) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const incoming = nodeIncoming(c);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (incoming && outgoing) {
      deps.node(incoming, outgoing);
      return RESPONSE_ALREADY_SENT;
    }
    const raw = c.req.raw;
    const headers: IncomingHttpHeaders = {};
    raw.headers.forEach((value, name) => (headers[name] = value));
    const url = new URL(raw.url);
    const body = raw.body ? Readable.fromWeb(raw.body as import("node:stream/web").ReadableStream<Uint8Array>) : Readable.from([]);
    const origin = { ip: null, userAgent: raw.headers.get("user-agent") };
    return webResponse(await deps.gateway.handle({ url: url.pathname + url.search, method: raw.method, headers, body, origin }));
  };
}
