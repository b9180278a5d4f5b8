/**
 * Mounts better-auth at /api/auth/* behind our rate limits: sign-in and sign-up are limited
 * per client IP and per email, in every mode, with 429 + Retry-After.
 */
import { Hono } from "hono";
import type { Config } from "../config.js";
import { clientIp } from "../http/client-ip.js";
import { RATE_LIMITS, type RateLimiter } from "../rate-limit/rate-limiter.js";
import type { Auth } from "./auth.js";

async function emailOf(req: Request): Promise<string> {
  try {
    const body = (await req.clone().json()) as { email?: unknown };
    return typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
  } catch {
    return ""; // better-auth answers malformed bodies itself
  }
}

export function authRoutes(deps: { auth: Auth; rateLimiter: RateLimiter; config: Config }) {
  const { auth, rateLimiter, config } = deps;
  const app = new Hono();

  app.post("/sign-in/email", async (c) => {
    const email = await emailOf(c.req.raw);
    await rateLimiter.enforce(
      [
        { rule: RATE_LIMITS.signInPerIp, subject: clientIp(c, config.trustProxy) },
        ...(email ? [{ rule: RATE_LIMITS.signInPerEmail, subject: email }] : []),
      ],
      "Too many sign-in attempts",
    );
    return auth.handler(c.req.raw);
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
    return auth.handler(c.req.raw);
  });

  app.on(["GET", "POST"], "/*", (c) => auth.handler(c.req.raw));
  return app;
}
