import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";

/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: {
    /** Who is acting (the session's user); every key-service call passes it on. */
    actor: Actor;
    /** Whose keys the request works on. */
    owner: OwnerRef;
    user: { id: string; email: string; name: string };
  };
};
