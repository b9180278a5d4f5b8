/**
 * Builds the Hono app (no listen): routes are wired here, decided in their domains.
 * The same app serves `@hono/node-server`, `app.request()` in tests, or a fetch handler.
 */
import { Hono } from "hono";
import type { Runtime } from "../runtime.js";
import { errorResponse, toAppError } from "./error-response.js";

export function createApp(runtime: Runtime) {
  const app = new Hono();

  app.get("/api/health", (c) => c.json({ status: "ok", database: runtime.database.dialect }));

  app.notFound((c) =>
    c.req.path.startsWith("/api") ? errorResponse(c, toAppError(new Error("not found"), "NOT_FOUND", `No route ${c.req.method} ${c.req.path}`)) : c.text("Not found", 404),
  );
  app.onError((err, c) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) runtime.logger.error({ err: { message: err.message, name: err.name } }, "unhandled error");
    return errorResponse(c, appErr);
  });
  return app;
}

export type KeyhavenApp = ReturnType<typeof createApp>;
