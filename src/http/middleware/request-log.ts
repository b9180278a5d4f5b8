import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../platform/logger.js";

/** One line per request: method, path (no query string), status, time. Never bodies, cookies or headers. */
export function requestLog(logger: Logger): MiddlewareHandler {
  // These four fields are fixed and never secret, so this line skips the redaction pass, which
  // cost more than the rest of a /api/health answer (~20 µs a line). Every other log keeps it.
  const lines = logger.child({}, { redact: { paths: [] } });
  return async (c, next) => {
    const started = performance.now();
    await next();
    lines.info(
      { method: c.req.method, path: withoutTokens(c.req.path), status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 },
      "request",
    );
  };
}

/** A token pasted into a path (a mistake, but a possible one) never reaches the log. */
function withoutTokens(path: string): string {
  return path.includes("kh_") ? path.replace(/kh_[A-Za-z0-9_-]*/g, "kh_[redacted]") : path;
}
