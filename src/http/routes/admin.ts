/**
 * /api/admin: an instance admin's accounts, service tokens and scheduled backups. Signed-in sessions only (no
 * bearer path); whether the caller is an admin is the policy's call, inside each service.
 */
import { Hono } from "hono";
import type { UserAdminService } from "../../admin/user-admin-service.js";
import type { BackupStatusService } from "../../admin/backup-status-service.js";
import { createServiceTokenBodySchema, createUserBodySchema } from "../../shared/api-schemas.js";
import type { TokenService } from "../../tokens/token-service.js";
import type { AppEnv } from "../app-env.js";
import { readJson } from "../json-body.js";

export function adminRoutes(deps: { tokens: TokenService; users: UserAdminService; backups: BackupStatusService }) {
  const { tokens, users, backups } = deps;
  const app = new Hono<AppEnv>();

  app.get("/users", async (c) => c.json({ users: await users.list(c.get("actor")) }));
  app.post("/users", async (c) => c.json(await users.create(c.get("actor"), await readJson(c, createUserBodySchema)), 201));
  app.post("/users/:id/disable", async (c) => c.json(await users.disable(c.get("actor"), c.req.param("id"))));
  app.post("/users/:id/enable", async (c) => c.json(await users.enable(c.get("actor"), c.req.param("id"))));

  app.get("/tokens", async (c) => c.json({ tokens: await tokens.listService(c.get("actor")) }));
  app.post("/tokens", async (c) =>
    c.json(await tokens.createService(c.get("actor"), await readJson(c, createServiceTokenBodySchema)), 201),
  );
  app.delete("/tokens/:id", async (c) => {
    await tokens.revokeService(c.get("actor"), c.req.param("id"));
    return c.body(null, 204);
  });

  app.get("/backups", async (c) => c.json(await backups.status(c.get("actor"))));
  return app;
}
