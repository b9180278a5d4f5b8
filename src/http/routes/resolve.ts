/**
 * /api/resolve: a key handed out over HTTP, as the library hands it out (provider/resolve-service.ts
 * decides whose and which). For scripts and backends in any language: a bearer token, no cookie.
 * Every /api answer is already `Cache-Control: no-store` (security.ts): no cache keeps a key.
 */
import { Hono } from "hono";
import { resolveBodySchema, resolveQuerySchema } from "../../shared/api-schemas.js";
import type { ResolveService } from "../../provider/resolve-service.js";
import type { AppEnv } from "../app-env.js";
import { parseWith, readJson } from "../json-body.js";

export function resolveRoutes(deps: { resolve: ResolveService }) {
  const { resolve } = deps;
  const app = new Hono<AppEnv>();
  app.get("/:service", async (c) => {
    const { userId } = parseWith(resolveQuerySchema, c.req.query(), "query");
    return c.json(await resolve.one(c.get("actor"), userId, c.req.param("service")));
  });
  app.post("/", async (c) => {
    const { userId, services } = await readJson(c, resolveBodySchema);
    return c.json({ results: await resolve.many(c.get("actor"), userId, services) });
  });
  return app;
}
