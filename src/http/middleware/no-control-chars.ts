/**
 * Refuses an /api request whose path or query string carries a control character, percent-
 * encoded or not, before any route reads a path parameter (a key id, better-auth's reset token).
 * One check for every route, current and future: on PostgreSQL such a parameter was a 500.
 */
import type { MiddlewareHandler } from "hono";
import { CONTROL_CHARS_MESSAGE } from "../../shared/control-chars.js";
import { AppError } from "../../platform/errors.js";

// What the rule in control-chars.ts refuses, as it appears in a URL: C0 controls and DEL, raw or
// percent-encoded (%00–%1F, %7F). `%2500` is the text "%00" and passes.
const CONTROL_IN_URL = /[\u0000-\u001F\u007F]|%(?:[01][0-9A-Fa-f]|7[Ff])/;

export function refuseControlCharsInUrl(): MiddlewareHandler {
  // Not async: it awaits nothing, and a sync throw is caught by Hono like a rejection.
  return (c, next) => {
    const url = c.req.url;
    // The common case costs one scan: nothing encoded, nothing raw.
    if (CONTROL_IN_URL.test(url)) {
      const query = url.indexOf("?");
      const where = query === -1 || CONTROL_IN_URL.test(url.slice(0, query)) ? "path" : "query";
      throw new AppError("VALIDATION_ERROR", `Invalid request: the ${where} ${CONTROL_CHARS_MESSAGE}`, {
        details: [{ path: where, message: CONTROL_CHARS_MESSAGE }],
      });
    }
    return next();
  };
}
