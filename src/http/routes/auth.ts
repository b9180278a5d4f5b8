/**
 * Mounts better-auth at /api/auth/* behind our checks: every JSON body follows the
 * control-character rule; sign-in and sign-up are limited per client IP and per email, password
 * checks of a signed-in user per account, every other state-changing auth route per IP, in
 * every mode, with 429 + Retry-After; sign-up answers only when KEYHAVEN_SIGNUP=open.
 */
import { Hono, type Context } from "hono";
import type { Config } from "../../platform/config.js";
import { AppError, codeForStatus } from "../../platform/errors.js";
import { clientIp } from "../middleware/client-ip.js";
import { requestOrigin } from "../middleware/request-origin.js";
import type { AuthEvents, SignedInUser } from "../../auth/auth-events.js";
import { assertJsonContentType, isJsonContentType, parseWith } from "../json-body.js";
import { RATE_LIMITS, type RateLimiter, type RateLimitRule } from "../../limits/rate-limiter.js";
import { assertAuthBodyText, updateUserBodySchema } from "../../auth/auth-input.js";
import type { Auth } from "../../auth/auth.js";
import { authErrorWords, inTeamWords } from "../auth-error-words.js";

/** Routes that check the signed-in user's password (delete-user is off today; counted should it come on). */
const PASSWORD_CHECK_PATHS = ["/change-password", "/delete-user"];

// One parse per request, shared by the text check and the per-email limits.
const parsedBodies = new WeakMap<Request, Promise<unknown>>();
/** The parsed JSON body, or undefined (no body, not JSON, malformed: better-auth answers those). */
function jsonBodyOf(req: Request): Promise<unknown> {
  let body = parsedBodies.get(req);
  if (!body) {
    body = isJsonContentType(req.headers.get("content-type")) && req.body ? req.clone().json().catch(() => undefined) : Promise.resolve(undefined);
    parsedBodies.set(req, body);
  }
  return body;
}

/**
 * The email of a sign-in/sign-up body. Only JSON is accepted on these routes: better-auth also
 * takes form bodies, which would otherwise slip past the per-email limit.
 */
async function emailOf(req: Request): Promise<string> {
  assertJsonContentType(req.headers.get("content-type"));
  const body = (await jsonBodyOf(req)) as { email?: unknown } | undefined;
  return typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
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
  // The organization plugin answers a signed-in person's missing permission with 401: it is a 403.
  if (status === 401 && reason.code?.startsWith("YOU_ARE_NOT_ALLOWED")) status = 403;
  const words = status < 500 ? authErrorWords(reason.code) : undefined;
  if (words) {
    status = words.status;
    reason = { ...reason, message: words.message };
  } else if (reason.message) {
    reason = { ...reason, message: inTeamWords(reason.message) };
  }
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

export function authRoutes(deps: {
  auth: Auth;
  rateLimiter: RateLimiter;
  config: Config;
  events: AuthEvents;
  /** Closed sign-up stays open to people a team has invited (by the invitation's email). */
  isInvited: (email: string) => Promise<boolean>;
}) {
  const { auth, rateLimiter, config, events } = deps;
  const origin = (c: Context) => requestOrigin(c, config.trustProxy);
  const app = new Hono();

  // Before anything else: closed sign-up is closed whatever the body says.
  app.post("/sign-up/email", async (c, next) => {
    const invited = config.signup === "closed" && (await deps.isInvited(await emailOf(c.req.raw).catch(() => "")));
    if (config.signup === "closed" && !invited) {
      throw new AppError("FORBIDDEN", "Sign-up is closed on this server: an administrator adds accounts, and people invited to a team can sign up with the invited email");
    }
    await next();
  });

  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const body = await jsonBodyOf(c.req.raw);
      assertAuthBodyText(body);
      if (/\/update-user\/?$/.test(c.req.path) && body !== undefined) parseWith(updateUserBodySchema, body);
    }
    await next();
  });

  /** An email route limited per client IP and, when the body names one, per email address. */
  function emailRoute(path: string, perIp: RateLimitRule, perEmail: RateLimitRule, message: string, signIn = false) {
    app.post(path, async (c) => {
      const email = await emailOf(c.req.raw);
      await rateLimiter.enforce(
        [{ rule: perIp, subject: clientIp(c, config.trustProxy) }, ...(email ? [{ rule: perEmail, subject: email }] : [])],
        message,
      );
      const res = await auth.handler(c.req.raw);
      // Recorded before the answer (and its cookie) goes out: a sign-in the log misses does not happen.
      if (signIn && res.ok) {
        const { user } = (await res.clone().json()) as { user: SignedInUser };
        await events.signedIn(user, origin(c));
      } else if (signIn && res.status === 401 && email) {
        await events.signInFailed(email, origin(c));
      }
      return inOurErrorShape(res, c.req.raw);
    });
  }
  emailRoute("/sign-in/email", RATE_LIMITS.signInPerIp, RATE_LIMITS.signInPerEmail, "Too many sign-in attempts", true);
  emailRoute("/sign-up/email", RATE_LIMITS.signUpPerIp, RATE_LIMITS.signUpPerEmail, "Too many sign-up attempts");

  // A stolen session must not buy unlimited guesses at the password: count per account, as
  // sign-in does per email. Without a session better-auth answers 401 and checks nothing.
  for (const path of PASSWORD_CHECK_PATHS) {
    app.post(path, async (c) => {
      // disableRefresh: a refresh here would set a cookie this answer never carries.
      const session = await auth.api.getSession({ headers: c.req.raw.headers, query: { disableRefresh: true } });
      await rateLimiter.enforce(
        [
          { rule: RATE_LIMITS.authOtherPerIp, subject: clientIp(c, config.trustProxy) },
          ...(session ? [{ rule: RATE_LIMITS.passwordCheckPerUser, subject: session.user.id }] : []),
        ],
        "Too many password attempts",
      );
      return inOurErrorShape(await auth.handler(c.req.raw), c.req.raw);
    });
  }

  // Who signs out is known only before the session ends.
  app.post("/sign-out", async (c) => {
    await rateLimiter.enforce([{ rule: RATE_LIMITS.authOtherPerIp, subject: clientIp(c, config.trustProxy) }], "Too many requests");
    const session = await auth.api.getSession({ headers: c.req.raw.headers, query: { disableRefresh: true } });
    const res = await auth.handler(c.req.raw);
    if (res.ok && session) await events.signedOut(session.user, origin(c));
    return inOurErrorShape(res, c.req.raw);
  });

  // Everything else that changes state (update-user, …): per IP.
  app.all("/*", async (c) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      await rateLimiter.enforce([{ rule: RATE_LIMITS.authOtherPerIp, subject: clientIp(c, config.trustProxy) }], "Too many requests");
    }
    return inOurErrorShape(await auth.handler(c.req.raw), c.req.raw);
  });
  return app;
}
