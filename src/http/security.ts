/** Security headers (Hono's own middleware) and the Origin check for cookie requests. */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { AppError } from "../errors.js";

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // React and chart libraries set style attributes; no inline script is ever allowed.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: "strict-origin-when-cross-origin",
    xFrameOptions: "DENY",
    crossOriginResourcePolicy: "same-origin",
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A state-changing request that carries a cookie must come from our own origin (CSRF).
 * Requests without a cookie have no session to abuse and are answered 401 further on.
 */
export function requireSameOrigin(publicUrl: string): MiddlewareHandler {
  const allowed = new URL(publicUrl).origin;
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && c.req.header("cookie")) {
      const origin = c.req.header("origin");
      if (origin !== allowed) {
        throw new AppError("FORBIDDEN", origin ? `Origin ${origin} is not allowed` : "Missing Origin header on a cookie request");
      }
    }
    await next();
  };
}

/** Answers under /api are private: never stored by browsers or proxies. */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // On the answer's own headers: c.header() after the answer is made would copy its body into
  // a new Response, a stream round trip that cost more than the rest of a key list.
  c.res.headers.set("Cache-Control", "no-store");
};
