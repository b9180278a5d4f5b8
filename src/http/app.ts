/**
 * Builds the Hono app (no listen): routes are wired here, decided in their domains.
 * The same app serves `@hono/node-server`, `app.request()` in tests, or a fetch handler.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { authRoutes } from "./routes/auth.js";
import { requireUser } from "./middleware/session.js";
import { AppError } from "../platform/errors.js";
import { keyRoutes } from "./routes/keys.js";
import type { Runtime, ServerServices } from "../app/compose.js";
import { publicCatalog } from "../services/index.js";
import type { AppEnv } from "./app-env.js";
import { docsRoutes } from "./routes/docs.js";
import { errorResponse, toAppError } from "./error-response.js";
import { refuseControlCharsInUrl } from "./middleware/no-control-chars.js";
import { requestLog } from "./middleware/request-log.js";
import { refuseTokenInUrl } from "./middleware/no-token-in-url.js";
import { authenticate } from "./middleware/authenticate.js";
import { tokenRoutes } from "./routes/tokens.js";
import { resolveRoutes } from "./routes/resolve.js";
import { auditRoutes } from "./routes/audit.js";
import { adminRoutes } from "./routes/admin.js";
import { teamRoutes } from "./routes/teams.js";
import { requireSameOrigin, securityHeaders } from "./middleware/security.js";
import { serveWebApp } from "./routes/web-app.js";
import { keyFileRoutes } from "./routes/key-files.js";
import { gatewayRoute, nodeGatewayHandler } from "./routes/gateway.js";
import { gatewayUsageRoutes } from "./routes/gateway-usage.js";
import { KEYS_IMPORT_MAX_BYTES } from "../shared/api-schemas.js";

export const MAX_BODY_BYTES = 64 * 1024;
const KEYS_IMPORT_PATH = "/api/api-keys/import";

export interface AppOptions {
  /** Directory of the built SPA; defaults to dist/web. */
  webDir?: string;
}

/** Wires the services built by app/compose.ts to routes and middleware; builds none itself. */
export function createApp(runtime: Runtime, services: ServerServices, opts: AppOptions = {}) {
  const { config, logger } = runtime;
  const { auth, rateLimiter, tester, users } = services;

  const app = new Hono<AppEnv>();
  const https = new URL(config.publicUrl).protocol === "https:";
  app.use("*", securityHeaders({ https }));
  // The gateway answers as the provider would (its own headers, its own error shapes): no /api middleware.
  const gatewayHttp = { gateway: services.gateway, trustProxy: config.trustProxy, https };
  const nodeGateway = nodeGatewayHandler(gatewayHttp);
  app.all("/gateway/*", gatewayRoute({ ...gatewayHttp, node: nodeGateway }));
  app.use("/api/*", requestLog(logger));
  app.use("/api/*", refuseControlCharsInUrl());
  app.use("/api/*", refuseTokenInUrl());
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", "Request body is larger than 64 KiB");
    },
  });
  // The one route whose body is a file (a keys export being imported), not 64 KiB of JSON.
  const limitImportBody = bodyLimit({
    maxSize: KEYS_IMPORT_MAX_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${KEYS_IMPORT_MAX_BYTES / 2 ** 20} MiB`);
    },
  });
  // GET and HEAD carry no body we read; asking for one would build a full Request object.
  // Hono types this context's input as `any` (its default), which nothing here reads.
  app.use("/api/*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD"
      ? next()
      : c.req.method === "POST" && c.req.path === KEYS_IMPORT_PATH
        ? // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
          limitImportBody(c, next)
        : // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
          limitBody(c, next),
  );

  app.get("/api/health", (c) => c.json({ status: "ok", database: runtime.database.dialect }));
  app.get("/api/services", (c) => c.json(publicCatalog()));
  app.route("/api", docsRoutes(config.publicUrl));

  app.route("/api/auth", authRoutes({ auth, rateLimiter, config, events: services.authEvents, isInvited: runtime.teams.isInvited }));

  // "/api/api-keys/*" also matches "/api/api-keys" itself: one registration, one caller lookup.
  const sameOrigin = requireSameOrigin(config.publicUrl);
  const session = requireUser(auth, runtime.database, { trustProxy: config.trustProxy });
  const bearerOrSession = authenticate({ tokens: runtime.tokens, sameOrigin, session, trustProxy: config.trustProxy });
  app.use("/api/api-keys/*", bearerOrSession);
  app.use("/api/resolve/*", bearerOrSession);
  app.route("/api/resolve", resolveRoutes({ resolve: runtime.resolve }));
  app.use("/api/audit/*", bearerOrSession);
  app.route("/api/audit", auditRoutes({ audit: runtime.auditReader }));
  app.use("/api/usage", bearerOrSession);
  app.use("/api/limits", bearerOrSession);
  app.route("/api", gatewayUsageRoutes({ usage: services.gatewayUsage }));
  app.use("/api/whoami", bearerOrSession);
  app.get("/api/whoami", (c) => c.json(runtime.tokens.whoami(c.get("actor"))));
  // Tokens are managed by a signed-in person only: no bearer path here.
  app.use("/api/tokens/*", sameOrigin, session);
  app.route("/api/tokens", tokenRoutes({ tokens: runtime.tokens }));
  // A person's teams: signed in only (tokens act on team keys through /api/api-keys by scope).
  app.use("/api/teams/*", sameOrigin, session);
  app.route("/api/teams", teamRoutes({ teams: runtime.teams, usage: services.gatewayUsage }));
  // Instance administration: a signed-in admin only, never a bearer token.
  app.use("/api/admin/*", sameOrigin, session);
  app.route("/api/admin", adminRoutes({ tokens: runtime.tokens, users, backups: services.backups }));
  app.route("/api/api-keys", keyFileRoutes({ keys: runtime.keys, keyFiles: runtime.keyFiles, rateLimiter }));
  app.route(
    "/api/api-keys",
    keyRoutes({
      keys: runtime.keys,
      rateLimiter,
      tester,
      getStats: runtime.stats,
    }),
  );

  app.all("/api/*", (c) => errorResponse(c, new AppError("NOT_FOUND", `No route ${c.req.method} ${c.req.path}`)));
  serveWebApp(app, opts.webDir);

  app.notFound((c) => c.text("Not found", 404));
  app.onError((err, c) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) logger.error({ err: { name: err.name, message: err.message } }, "unhandled error");
    return errorResponse(c, appErr);
  });
  // server.ts hands /gateway/ requests to this before Hono (see routes/gateway.ts).
  return Object.assign(app, { nodeGateway });
}

export type KeyhavenApp = ReturnType<typeof createApp>;
