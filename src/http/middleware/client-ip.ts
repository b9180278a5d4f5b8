import type { Context } from "hono";

/**
 * The client's IP for rate limits: the socket's address, or — when the operator says one proxy
 * they control sits in front (KEYHAVEN_TRUST_PROXY=true) — the LAST X-Forwarded-For entry, the
 * one that proxy appended. Earlier entries are written by the client and cannot be trusted.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").pop()?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "local";
}
