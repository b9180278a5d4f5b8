import type { MiddlewareHandler } from "hono";
import { AppError } from "../../platform/errors.js";
import type { TokenService } from "../../tokens/token-service.js";
import type { AppEnv } from "../app-env.js";

const BEARER = /^Bearer ([^\s]+)$/;

/**
 * Who is calling an API route: `Authorization: Bearer kh_…` (an access token: no Origin needed,
 * a script has none) or else the session cookie, which keeps its same-origin check. A token in
 * the URL is refused: URLs end up in logs, proxies and browser history.
 */
export function authenticate(deps: {
  tokens: Pick<TokenService, "verify">;
  /** The cookie path: the same-origin check, then the session. */
  sameOrigin: MiddlewareHandler<AppEnv>;
  session: MiddlewareHandler<AppEnv>;
}): MiddlewareHandler<AppEnv> {
  const { sameOrigin, session } = deps;
  return async (c, next) => {
    const url = c.req.url;
    if (url.includes("kh_") && /[?&][^=&]*=kh_/.test(url)) {
      throw new AppError("VALIDATION_ERROR", "Send the access token in the Authorization header, never in the URL");
    }
    const authorization = c.req.header("authorization");
    if (authorization === undefined) {
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
