/** /api/usage and /api/limits: the gateway's ledger and limits as a person sees them (usage/gateway-usage-service.ts decides). */
import { Hono } from "hono";
import { usageQuerySchema } from "../../shared/limits.js";
import type { GatewayUsageService } from "../../usage/gateway-usage-service.js";
import type { AppEnv } from "../app-env.js";
import { parseWith } from "../json-body.js";

export function gatewayUsageRoutes(deps: { usage: GatewayUsageService }) {
  const app = new Hono<AppEnv>();
  app.get("/usage", async (c) => c.json(await deps.usage.report(c.get("actor"), parseWith(usageQuerySchema, c.req.query(), "query"))));
  app.get("/limits", async (c) => c.json(await deps.usage.overview(c.get("actor"))));
  return app;
}
