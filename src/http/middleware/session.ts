import type { MiddlewareHandler } from "hono";
import { userActor } from "../../access/actor.js";
import type { DatabaseHandle } from "../../db/connect.js";
import { AppError } from "../../platform/errors.js";
import type { AppEnv } from "../app-env.js";
import { cookieHeader } from "../node-bindings.js";
import type { Auth } from "../../auth/auth.js";
import { createSessionReader, type SessionReader, type SignedInUser } from "../../auth/session-reader.js";

/**
 * Resolves the session cookie to its user; the owner of every key query comes from here only.
 * The common case is answered by the session reader; anything else by better-auth itself.
 */
export function requireUser(auth: Auth, database: DatabaseHandle): MiddlewareHandler<AppEnv> {
  let reader: Promise<SessionReader> | undefined;
  let ready: SessionReader | undefined;
  // Built from better-auth's own resolved settings, so cookie name, secret and ages are its.
  // A failed start is not kept: that request fails (500) and the next one starts again, rather
  // than every later request failing with the first error.
  const sessionReader = () =>
    (reader ??= start().catch((err: unknown) => {
      reader = undefined;
      throw err;
    }));
  const start = () =>
    auth.$context.then((ctx): SessionReader => {
      // A cookie cache or secondary storage changes where sessions live: then better-auth alone decides.
      const options = ctx.options as { session?: { cookieCache?: { enabled?: boolean } }; secondaryStorage?: unknown };
      if (options.session?.cookieCache?.enabled || options.secondaryStorage) return async () => undefined;
      return createSessionReader(database.db, database.reader, {
        secret: ctx.secret,
        cookieName: ctx.authCookies.sessionToken.name,
        expiresIn: ctx.sessionConfig.expiresIn,
        updateAge: ctx.sessionConfig.updateAge,
      }, database.named);
    });

  return async (c, next) => {
    const readSession = (ready ??= await sessionReader());
    let user: SignedInUser | undefined = await readSession(cookieHeader(c));
    if (!user) {
      const session = await auth.api.getSession({ headers: c.req.raw.headers });
      if (session) user = { id: session.user.id, email: session.user.email, name: session.user.name };
    }
    if (!user) throw new AppError("UNAUTHORIZED", "Sign in first: this route needs a session");
    c.set("user", user);
    c.set("actor", userActor(user.id));
    c.set("owner", { type: "user", id: user.id });
    await next();
  };
}
