/**
 * /api/teams: a signed-in person's teams as Keyhaven adds to them — their role and sizes, the
 * preferred team for hand-outs, and who used the team's keys. Creating teams, invitations and
 * members are better-auth's organization routes under /api/auth/organization/*. Rules live in
 * teams/team-service.ts.
 */
import { Hono } from "hono";
import { preferredTeamBodySchema, teamIdSchema, teamUsageQuerySchema } from "../../shared/api-schemas.js";
import type { TeamService } from "../../teams/team-service.js";
import type { GatewayUsageService } from "../../usage/gateway-usage-service.js";
import { limitsBodySchema } from "../../shared/limits.js";
import type { AppEnv } from "../app-env.js";
import { parseWith, readJson } from "../json-body.js";

export function teamRoutes(deps: { teams: TeamService; usage: Pick<GatewayUsageService, "setMemberLimits"> }) {
  const { teams } = deps;
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(await teams.list(c.get("actor"))));
  app.put("/preferred", async (c) => {
    const body = await readJson(c, preferredTeamBodySchema);
    return c.json(await teams.setPreferred(c.get("actor"), body.teamId));
  });
  app.get("/:teamId/usage", async (c) => {
    const teamId = parseWith(teamIdSchema, c.req.param("teamId"), "path.teamId");
    const { days } = parseWith(teamUsageQuerySchema, c.req.query(), "query");
    return c.json(await teams.usage(c.get("actor"), teamId, days));
  });
  // A member's gateway limits (owners and admins).
  app.put("/:teamId/members/:userId", async (c) => {
    const teamId = parseWith(teamIdSchema, c.req.param("teamId"), "path.teamId");
    const { limits } = await readJson(c, limitsBodySchema);
    return c.json(await deps.usage.setMemberLimits(c.get("actor"), teamId, c.req.param("userId"), limits));
  });
  return app;
}
