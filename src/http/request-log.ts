import type { MiddlewareHandler } from "hono";
import type { Logger } from "../logger.js";

/** One line per request: method, path (no query string), status, time. Never bodies, cookies or headers. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 },
      "request",
    );
  };
}
