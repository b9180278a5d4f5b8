import type { Context } from "hono";

/**
 * The client's IP for rate limits: the socket's address, or the first X-Forwarded-For hop
 * when the operator says a proxy they control sits in front (KEYHAVEN_TRUST_PROXY=true).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "local";
}
