/**
 * Mounts better-auth at /api/auth/* behind our rate limits: sign-in and sign-up are limited
 * per client IP and per email, every other state-changing auth route per IP, in every mode,
 * with 429 + Retry-After.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Config } from "../config.js";
import { AppError, codeForStatus } from "../errors.js";
import { clientIp } from "../http/client-ip.js";
import { parseWith } from "../http/json-body.js";
import { RATE_LIMITS, type RateLimiter } from "../rate-limit/rate-limiter.js";
import type { Auth } from "./auth.js";

/**
 * The email of a sign-in/sign-up body. Only JSON is accepted on these routes: better-auth also
 * takes form bodies, which would otherwise slip past the per-email limit.
 */
async function emailOf(req: Request): Promise<string> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    throw new AppError("VALIDATION_ERROR", "Content-Type must be application/json", {
      details: [{ path: "content-type", message: "must be application/json" }],
    });
  }
  try {
    const body = (await req.clone().json()) as { email?: unknown };
    return typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
  } catch {
    return ""; // better-auth answers malformed bodies itself
  }
}

/**
 * better-auth answers errors as `{ code, message }` (or an empty 404): rewrite them into our
 * one error shape so every /api answer reads the same. Successful answers pass untouched.
 */
async function inOurErrorShape(res: Response, req: Request): Promise<Response> {
  if (res.status < 400) return res;
  let reason: { code?: string; message?: string } = {};
  try {
    reason = (await res.clone().json()) as typeof reason;
  } catch {
    // not JSON (e.g. better-auth's bare 404)
  }
  let status = res.status;
  // "User already exists" is a conflict, not an unprocessable entity; other 4xx we never send are 400s.
  if (status === 422) status = reason.code?.startsWith("USER_ALREADY_EXISTS") ? 409 : 400;
  if (status < 500 && codeForStatus(status) === "INTERNAL") status = 400;
  const code = codeForStatus(status);
  const message =
    status >= 500
      ? "Internal server error" // never pass a library's internal message through
      : status === 404 && !reason.message
        ? `No route ${req.method} ${new URL(req.url).pathname}`
        : (reason.message ?? "Request failed");
  const headers = new Headers(res.headers);
  headers.set("Content-Type", "application/json");
  headers.delete("Content-Length");
  const err = new AppError(code, message);
  return new Response(JSON.stringify({ error: { code: err.code, message: err.message } }), { status: status >= 500 ? 500 : status, headers });
}

/**
 * better-auth's update-user takes any JSON object and hands `name` and `image` to the database
 * as they come: null, a number, an array or an object ended as a 500 (NOT NULL, SQLite binding,
 * pg's array serializer overflowing the stack on deep nesting). Other fields stay its call.
 */
const updateUserBodySchema = z.looseObject({
  name: z.string().optional(),
  image: z.string().nullable().optional(),
});

/**
 * Whether a string of a parsed JSON body (a key or a value) holds NUL, which PostgreSQL cannot
 * store in text: better-auth would pass it to a query and answer 500. Password fields are left
 * out: they are hashed, never stored as text. Iterative, as nesting is bounded only by the body.
 */
function holdsNul(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (value.includes("\u0000")) return true;
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes("\u0000")) return true;
        if (!/password/i.test(key)) stack.push(item);
      }
    }
  }
  return false;
}

/** The JSON body of an auth request, or undefined when it has none (better-auth answers those). */
async function jsonBodyOf(req: Request): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) return undefined;
  try {
    return (await req.clone().json()) as unknown;
  } catch {
    return undefined;
  }
}

export function authRoutes(deps: { auth: Auth; rateLimiter: RateLimiter; config: Config }) {
  const { auth, rateLimiter, config } = deps;
  const app = new Hono();

  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const body = await jsonBodyOf(c.req.raw);
      if (holdsNul(body)) {
        throw new AppError("VALIDATION_ERROR", "Request body must not contain NUL characters", {
          details: [{ path: "body", message: "must not contain NUL characters" }],
        });
      }
      if (/\/update-user\/?$/.test(c.req.path) && body !== undefined) parseWith(updateUserBodySchema, body);
    }
    await next();
  });

  app.post("/sign-in/email", async (c) => {
    const email = await emailOf(c.req.raw);
    await rateLimiter.enforce(
      [
        { rule: RATE_LIMITS.signInPerIp, subject: clientIp(c, config.trustProxy) },
        ...(email ? [{ rule: RATE_LIMITS.signInPerEmail, subject: email }] : []),
      ],
      "Too many sign-in attempts",
    );
    return inOurErrorShape(await auth.handler(c.req.raw), c.req.raw);
  });

  app.post("/sign-up/email", async (c) => {
    const email = await emailOf(c.req.raw);
    await rateLimiter.enforce(
      [
        { rule: RATE_LIMITS.signUpPerIp, subject: clientIp(c, config.trustProxy) },
        ...(email ? [{ rule: RATE_LIMITS.signUpPerEmail, subject: email }] : []),
      ],
      "Too many sign-up attempts",
    );
    return inOurErrorShape(await auth.handler(c.req.raw), c.req.raw);
  });

  // Everything else that changes state (sign-out, password change, …): per IP.
  app.all("/*", async (c) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      await rateLimiter.enforce([{ rule: RATE_LIMITS.authOtherPerIp, subject: clientIp(c, config.trustProxy) }], "Too many requests");
    }
    return inOurErrorShape(await auth.handler(c.req.raw), c.req.raw);
  });
  return app;
}
