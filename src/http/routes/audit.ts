/** /api/audit: the audit log for people (the Audit page) and scripts (scope audit:read). Decided in audit/audit-reader.ts. */
import { Hono } from "hono";
import { auditQuerySchema } from "../../shared/api-schemas.js";
import type { AuditReader } from "../../audit/audit-reader.js";
import type { AppEnv } from "../app-env.js";
import { parseWith } from "../json-body.js";

export function auditRoutes(deps: { audit: AuditReader }) {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(await deps.audit.list(c.get("actor"), parseWith(auditQuerySchema, c.req.query(), "query"))));
  return app;
}
