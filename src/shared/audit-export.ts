/**
 * `GET /api/audit/export`: the same filters as `GET /api/audit` (no page size or cursor: every
 * matching event) and a format. Shared with the web app, which builds the export link from them.
 */
import { z } from "zod";
import { auditQuerySchema } from "./api-schemas.js";

export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const auditExportQuerySchema = auditQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(AUDIT_EXPORT_FORMATS, { error: () => "must be csv or jsonl" }),
});
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
