/**
 * The headers that cross the gateway. Upstream: the caller's own, less its Keyhaven credential,
 * our x-keyhaven-* headers, the hop-by-hop ones (RFC 9110 §7.6.1) and `accept-encoding` (the
 * answer is read for its usage, so it must come uncompressed), plus the stored key's auth
 * headers. Back to the caller: the upstream's, less hop-by-hop ones.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);
/** Where SDKs put the API key: each carries the caller's kh_ token, never forwarded. */
const CALLER_AUTH = new Set(["authorization", "x-api-key", "x-goog-api-key"]);
const DROPPED_UPSTREAM = new Set([...HOP_BY_HOP, ...CALLER_AUTH, "host", "content-length", "accept-encoding", "cookie"]);

/** Names listed in a Connection header are hop-by-hop too. */
function connectionNames(headers: IncomingHttpHeaders): Set<string> | undefined {
  const c = headers.connection;
  if (!c) return undefined;
  return new Set(c.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
}

export function upstreamHeaders(incoming: IncomingHttpHeaders, auth: Record<string, string>, bodyLength: number | null): OutgoingHttpHeaders {
  const listed = connectionNames(incoming);
  const out: OutgoingHttpHeaders = {};
  for (const name in incoming) {
    if (DROPPED_UPSTREAM.has(name) || name.startsWith("x-keyhaven-") || listed?.has(name)) continue;
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  // The stored key's headers replace anything of the same name the caller sent.
  for (const [name, value] of Object.entries(auth)) out[name.toLowerCase()] = value;
  out["accept-encoding"] = "identity";
  if (bodyLength !== null) out["content-length"] = String(bodyLength);
  else if (incoming["transfer-encoding"]) out["transfer-encoding"] = "chunked";
  return out;
}

export function downstreamHeaders(upstream: IncomingHttpHeaders, dropLength: boolean): OutgoingHttpHeaders {
  const listed = connectionNames(upstream);
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || listed?.has(name) || (dropLength && name === "content-length")) continue;
    const value = upstream[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The caller's Keyhaven token, from wherever its SDK puts the API key. */
export function callerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (m) return m[1];
  }
  const apiKey = headers["x-api-key"] ?? headers["x-goog-api-key"];
  return typeof apiKey === "string" && apiKey !== "" ? apiKey.trim() : undefined;
}
