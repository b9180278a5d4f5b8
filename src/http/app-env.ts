import type { OwnerRef } from "../access/owner.js";

/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: {
    owner: OwnerRef;
    user: { id: string; email: string; name: string };
  };
};
