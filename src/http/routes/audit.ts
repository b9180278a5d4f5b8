/**
 * /api/audit: the audit log for people (the Audit page) and scripts (scope audit:read), and its
 * export as a file. Decided in audit/audit-reader.ts; the file formats are audit/audit-export.ts.
 */
import { Hono } from "hono";
import { auditQuerySchema } from "../../shared/api-schemas.js";
import { auditExportQuerySchema } from "../../shared/audit-export.js";
import type { AuditReader } from "../../audit/audit-reader.js";
import { csvHeader, csvRow, jsonLine } from "../../audit/audit-export.js";
import type { AppEnv } from "../app-env.js";
import { parseWith } from "../json-body.js";

const FILE_TYPES = {
  csv: { contentType: "text/csv; charset=utf-8", header: csvHeader, line: csvRow },
  jsonl: { contentType: "application/x-ndjson; charset=utf-8", header: () => "", line: jsonLine },
} as const;

export function auditRoutes(deps: { audit: AuditReader }) {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(await deps.audit.list(c.get("actor"), parseWith(auditQuerySchema, c.req.query(), "query"))));

  // Every matching event, streamed a page at a time: access is checked before the first byte.
  app.get("/export", async (c) => {
    const query = parseWith(auditExportQuerySchema, c.req.query(), "query");
    const pages = await deps.audit.export(c.get("actor"), query);
    const type = FILE_TYPES[query.format];
    const encoder = new TextEncoder();
    const iterator = pages[Symbol.asyncIterator]();
    let started = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true;
          const header = type.header();
          if (header) controller.enqueue(encoder.encode(header));
        }
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(type.line).join("")));
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": type.contentType,
        "content-disposition": `attachment; filename="keyhaven-audit-${day}.${query.format}"`,
        "cache-control": "no-store",
      },
    });
  });
  return app;
}
