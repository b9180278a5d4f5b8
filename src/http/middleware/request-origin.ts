import type { Context } from "hono";
import type { RequestOrigin } from "../../access/actor.js";
import { clientIp } from "./client-ip.js";

/** Where a request came from, for the audit log: the client's IP (as rate limits see it) and its user agent. */
export function requestOrigin(c: Context, trustProxy: boolean): RequestOrigin {
  const ip = clientIp(c, trustProxy);
  return { ip: ip === "local" ? null : ip, userAgent: c.req.header("user-agent") ?? null };
}
