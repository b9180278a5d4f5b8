import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors.js";
import type { AppEnv } from "../http/app-env.js";
import type { Auth } from "./auth.js";

/** Resolves the session cookie to its user; the owner of every key query comes from here only. */
export function requireUser(auth: Auth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await auth.api.getSession({ headers: c.req.raw.headers });
    if (!session) throw new AppError("UNAUTHORIZED", "Sign in first: this route needs a session");
    c.set("user", { id: session.user.id, email: session.user.email, name: session.user.name });
    c.set("owner", { type: "user", id: session.user.id });
    await next();
  };
}
