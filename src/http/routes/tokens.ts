/** /api/tokens: a signed-in person's access tokens. Rules live in tokens/token-service.ts. */
import { Hono } from "hono";
import { createTokenBodySchema } from "../../shared/api-schemas.js";
import { limitsBodySchema } from "../../shared/limits.js";
import type { TokenService } from "../../tokens/token-service.js";
import type { AppEnv } from "../app-env.js";
import { readJson } from "../json-body.js";

export function tokenRoutes(deps: { tokens: TokenService }) {
  const { tokens } = deps;
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => c.json(await tokens.create(c.get("actor"), await readJson(c, createTokenBodySchema)), 201));
  app.get("/", async (c) => c.json({ tokens: await tokens.list(c.get("actor")) }));
  app.put("/:id", async (c) => {
    const { limits } = await readJson(c, limitsBodySchema);
    return c.json(await tokens.setLimits(c.get("actor"), c.req.param("id"), limits));
  });
  app.delete("/:id", async (c) => {
    await tokens.revoke(c.get("actor"), c.req.param("id"));
    return c.body(null, 204);
  });
  return app;
}
