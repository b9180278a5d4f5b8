/**
 * src/http/openapi.ts is written by hand, so its paths and methods are held against the routes
 * the app really registers (Hono's `app.routes`): a route added without docs, or docs left for a
 * removed route, fails here. What is deliberately left out is listed below, each with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectRoutes } from "hono/dev";
import { createHttpApp, jsonOf, type HttpApp } from "../support/http-app.js";

/** Registered, and deliberately not in the document. */
const NOT_DOCUMENTED: Record<string, string> = {
  // better-auth's handler family: one catch-all hands every other /api/auth path to better-auth;
  // the two password checks are its routes too, registered apart only for a per-account limit.
  "ALL /api/auth/*": "better-auth's handler for every /api/auth path without a route of its own",
  "POST /api/auth/change-password": "better-auth's, behind a per-account rate limit",
  "POST /api/auth/delete-user": "better-auth's (off today), behind a per-account rate limit",
  // Static answers, not API operations.
  "GET /*": "the SPA: built files and the index.html fallback",
  "GET /api/openapi.json": "the document itself",
  "GET /api/docs": "the docs page",
  "GET /api/docs/docs.js": "the docs page's script",
  "GET /api/docs/docs.css": "the docs page's style sheet",
  "GET /api/docs/favicon.svg": "the docs page's icon",
  "ALL /api/*": "the JSON 404 for any other /api path",
  "ALL /gateway/*": "the gateway: the providers' own APIs passed through (README, \"Gateway\"), not Keyhaven's",
};

/** Documented, and answered by better-auth through "ALL /api/auth/*" (no route of their own). */
const DOCUMENTED_BETTER_AUTH = [
  "GET /api/auth/get-session",
  // Teams: better-auth's organization plugin.
  ...["create", "update", "delete", "invite-member", "cancel-invitation", "accept-invitation", "reject-invitation", "remove-member", "update-member-role", "leave"].map(
    (r) => `POST /api/auth/organization/${r}`,
  ),
  ...["list", "get-full-organization", "get-invitation"].map((r) => `GET /api/auth/organization/${r}`),
];

/**
 * Every route as "METHOD /path" with OpenAPI's `{param}`. Middleware added with `use` (method
 * ALL, takes `next`) answers nothing itself; a method-bound one (the SPA, the closed sign-up
 * check) is the route's own first handler and stays.
 */
function registeredOperations(app: HttpApp["app"]): Set<string> {
  return new Set(
    inspectRoutes(app)
      .filter((r) => !(r.method === "ALL" && r.isMiddleware))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
  );
}

function documentedOperations(spec: { paths: Record<string, Record<string, unknown>> }): Set<string> {
  const ops = new Set<string>();
  for (const [path, methods] of Object.entries(spec.paths)) for (const method of Object.keys(methods)) ops.add(`${method.toUpperCase()} ${path}`);
  return ops;
}

const minus = (a: Iterable<string>, ...rest: Iterable<string>[]) => {
  const drop = new Set(rest.flatMap((r) => [...r]));
  return [...a].filter((x) => !drop.has(x)).sort();
};

// Routes do not depend on the database: SQLite only.
describe("OpenAPI paths against the registered routes", () => {
  let h: HttpApp;
  let registered: Set<string>;
  let documented: Set<string>;

  beforeAll(async () => {
    h = await createHttpApp("sqlite");
    registered = registeredOperations(h.app);
    documented = documentedOperations(await jsonOf(await h.request("GET", "/api/openapi.json", { origin: null }), 200));
  });
  afterAll(() => h?.close());

  it("sees the routes at all (the key routes, with {id})", () => {
    expect([...registered]).toEqual(expect.arrayContaining(["GET /api/api-keys", "DELETE /api/api-keys/{id}", "GET /api/health"]));
  });

  it("every registered route is documented, unless listed as left out", () => {
    expect(minus(registered, documented, Object.keys(NOT_DOCUMENTED))).toEqual([]);
  });

  it("every documented operation is a registered route, or one of the listed better-auth routes", () => {
    expect(minus(documented, registered, DOCUMENTED_BETTER_AUTH)).toEqual([]);
  });

  it("the lists hold no stale entries: each left-out route is registered and undocumented", () => {
    for (const op of Object.keys(NOT_DOCUMENTED)) {
      expect(registered.has(op), `${op} is registered`).toBe(true);
      expect(documented.has(op), `${op} is not documented`).toBe(false);
    }
    for (const op of DOCUMENTED_BETTER_AUTH) {
      expect(documented.has(op), `${op} is documented`).toBe(true);
      expect(registered.has(op), `${op} has no route of its own`).toBe(false);
    }
  });

  it("better-auth answers the documented routes it serves (a path it lacks is a 404)", async () => {
    const missing = await h.request("GET", "/api/auth/no-such-route");
    expect(missing.status).toBe(404);
    for (const op of DOCUMENTED_BETTER_AUTH) {
      const [method, path] = op.split(" ") as [string, string];
      const res = await h.request(method, path, method === "GET" ? {} : { body: {} });
      expect(res.status, `${op}: ${await res.text()}`).not.toBe(404);
    }
  });
});
