import type { OwnerRef } from "../crypto/owner.js";

/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: {
    owner: OwnerRef;
    user: { id: string; email: string; name: string };
  };
};
