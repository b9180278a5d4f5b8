import type { MiddlewareHandler } from "hono";
import { AppError } from "../../platform/errors.js";
import type { TokenService } from "../../tokens/token-service.js";
import type { AppEnv } from "../app-env.js";

const BEARER = /^Bearer ([^\s]+)$/;

/**
 * Who is calling an API route: `Authorization: Bearer kh_…` (an access token: no Origin needed,
 * a script has none) or else the session cookie, which keeps its same-origin check. A token in
 * the URL is refused before this (no-token-in-url.ts).
 */
export function authenticate(deps: {
  tokens: Pick<TokenService, "verify">;
  /** The cookie path: the same-origin check, then the session. */
  sameOrigin: MiddlewareHandler<AppEnv>;
  session: MiddlewareHandler<AppEnv>;
}): MiddlewareHandler<AppEnv> {
  const { sameOrigin, session } = deps;
  return async (c, next) => {
    const authorization = c.req.header("authorization");
    // Another scheme (a proxy's Basic auth, which browsers resend on every request) is not ours:
    // the cookie decides, as it would without the header.
    if (authorization === undefined || !authorization.startsWith("Bearer")) {
      await sameOrigin(c, async () => {
        await session(c, next);
      });
      return;
    }
    const m = BEARER.exec(authorization);
    if (!m) throw new AppError("UNAUTHORIZED", "Authorization must be `Bearer kh_…`");
    const actor = await deps.tokens.verify(m[1]);
    c.set("actor", actor);
    // Whose keys: a personal token's user. A service token has none here (the policy refuses it every key route).
    c.set("owner", { type: "user", id: actor.type === "token" && actor.userId !== null ? actor.userId : "" });
    await next();
  };
}
