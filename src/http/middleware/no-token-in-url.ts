/**
 * Refuses an /api request whose query string carries something that looks like an access
 * token, however it is written (`?token=kh_…`, `?kh_…`, `%5F` for the underscore, a `Bearer `
 * in front): URLs end up in proxy logs, browser history and Referer headers. Every /api route,
 * so no route forgets it. The request log never shows a query string either.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../platform/errors.js";

// `kh_` then enough of a token's characters to be one (a real one has 43): prose like
// "kh_x" in a search stays allowed. Tested on the decoded query, case-insensitively for the
// prefix and the encoded underscore.
const TOKEN_IN_TEXT = /kh_[A-Za-z0-9_-]{16,}/i;

function decoded(query: string): string {
  try {
    return decodeURIComponent(query.replace(/\+/g, " "));
  } catch {
    return query; // a malformed escape: check the raw text
  }
}

export function refuseTokenInUrl(): MiddlewareHandler {
  return (c, next) => {
    const url = c.req.url;
    const q = url.indexOf("?");
    // The common case costs one indexOf (no query) or one scan for "kh" (no token-like text).
    if (q !== -1 && /kh/i.test(url.slice(q)) && TOKEN_IN_TEXT.test(decoded(url.slice(q + 1)))) {
      throw new AppError("VALIDATION_ERROR", "Send the access token in the Authorization header, never in the URL");
    }
    return next();
  };
}
