/** Security headers on every answer, and the Origin check for cookie requests. */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../platform/errors.js";
import { nodeOutgoing } from "../node-bindings.js";

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

const kebab = (s: string) => s.replace(/[A-Z]/g, (m) => "-" + m.toLowerCase());

/** The CSP header value: `default-src 'self'; script-src 'self'; …`. */
export const cspHeaderValue = (policy: Record<string, string[]>) =>
  Object.entries(policy)
    .map(([name, values]) => `${kebab(name)} ${values.join(" ")}`)
    .join("; ");

/** Helmet's set (as Hono's secureHeaders sends it) with our CSP, framing denied; HSTS is added on https only. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["Content-Security-Policy", cspHeaderValue(CONTENT_SECURITY_POLICY)],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

/**
 * Only for an https public URL: over plain http browsers ignore it, and a deployment without
 * TLS must not pin its host name and every subdomain to https for six months.
 */
export const HSTS_HEADER = ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"] as const;

export interface SecurityHeaderOptions {
  /** The public URL is https (KEYHAVEN_PUBLIC_URL): send HSTS. */
  https: boolean;
}

/**
 * Sets the headers above on every answer. A route's own value for one of them wins (the SPA's
 * Cache-Control on its assets). On Node they are set on the ServerResponse before the answer
 * is made, and Node merges them into the status line's headers; elsewhere they are added to
 * the answer's Headers afterwards. Same result, but the first costs ~4 µs and the second ~35.
 */
export function securityHeaders(opts: SecurityHeaderOptions): MiddlewareHandler {
  const pageHeaders = opts.https ? [...SECURITY_HEADERS, HSTS_HEADER] : SECURITY_HEADERS;
  // Answers under /api are private as well: never stored by browsers or proxies.
  const apiHeaders: ReadonlyArray<readonly [string, string]> = [...pageHeaders, ["Cache-Control", "no-store"]];
  // Not an async function: on Node nothing is awaited here, and an async wrapper would add a
  // promise per request (with better-auth's AsyncLocalStorage on, every promise runs async hooks).
  return (c, next) => {
    const headers = c.req.path.startsWith("/api/") ? apiHeaders : pageHeaders;
    const outgoing = nodeOutgoing(c);
    if (outgoing) {
      for (const [name, value] of headers) outgoing.setHeader(name, value);
      return next();
    }
    return next().then(() => {
      const answer = c.res.headers;
      for (const [name, value] of headers) if (!answer.has(name)) answer.set(name, value);
    });
  };
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
