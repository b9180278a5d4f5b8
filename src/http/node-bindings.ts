/**
 * Node's own request and response objects, when the app runs on @hono/node-server (it passes
 * them as `c.env`). Reading a header or setting answer headers on them skips building web
 * `Headers` objects, which cost more per request than the rest of a small answer. Under
 * `app.request()` or another runtime they are absent and callers use the web objects instead.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

export function nodeIncoming(c: Context): IncomingMessage | undefined {
  return (c.env as NodeBindings | undefined)?.incoming;
}

export function nodeOutgoing(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === "function" && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * The request's Cookie header, as `c.req.header("cookie")` would give it (repeated Cookie lines
 * are joined with "; " by Node and by undici's Headers alike), without building Headers.
 */
export function cookieHeader(c: Context): string | undefined {
  const incoming = nodeIncoming(c);
  return incoming ? incoming.headers.cookie : c.req.header("cookie");
}
