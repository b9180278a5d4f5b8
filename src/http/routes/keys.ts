/**
 * /api/api-keys: HTTP in and out for the key store. Validation is the zod schemas of
 * shared/api-schemas.ts; rules live in key-service.ts. Actor and owner always come from the session.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { AppError } from "../../platform/errors.js";
import type { AppEnv } from "../app-env.js";
import { parseWith, readJson, readJsonBody } from "../json-body.js";
import { KEY_WRITES_PER_MINUTE, RATE_LIMITS, type RateLimiter } from "../../limits/rate-limiter.js";
import {
  createKeyBodySchema,
  listKeysQuerySchema,
  rollbackBodySchema,
  rotateBodySchema,
  testSavedKeyBodySchema,
  testUnsavedKeyBodySchema,
  updateKeyBodySchema,
  teamQuerySchema,
  type ApiKeyList,
  type KeyStats,
  type TestResult,
} from "../../shared/api-schemas.js";
import type { Actor } from "../../access/actor.js";
import type { Action } from "../../access/policy.js";
import type { OwnerRef } from "../../access/owner.js";
import type { KeyService } from "../../keys/key-service.js";
import type { KeyTester } from "../../key-test/key-tester.js";

export interface KeyRoutesDeps {
  keys: KeyService;
  rateLimiter: RateLimiter;
  tester: KeyTester;
  getStats: (actor: Actor, owner: OwnerRef) => Promise<KeyStats>;
}

const getQuerySchema = z.object({ includeValue: z.enum(["true", "false"], { error: () => "must be true or false" }).optional() });

export function keyRoutes(deps: KeyRoutesDeps) {
  const { keys, rateLimiter, tester } = deps;
  const app = new Hono<AppEnv>();

  // Counted before the body is read: a flood of bad bodies costs as much as good ones. The
  // policy is asked first (the service asks again): a caller it refuses — a read-only token,
  // say — must not spend the owner's budget and lock the owner out.
  // The budget is the acting person's (c.get("owner") is always the caller's own), on any owner's keys.
  const limitWrites = async (c: Context<AppEnv>, action: Action, owner: OwnerRef, keyId?: string) => {
    await keys.check(c.get("actor"), action, owner, keyId);
    await rateLimiter.enforce(
      [{ rule: RATE_LIMITS.keyWritePerUser, subject: c.get("owner").id }],
      `Too many changes to your keys (at most ${KEY_WRITES_PER_MINUTE} per minute)`,
    );
  };

  /** Whose keys a route acts on: the team named by `teamId` (the policy checks membership), else the caller's own. */
  const ownerOf = (c: Context<AppEnv>, teamId: string | undefined): OwnerRef => (teamId !== undefined ? { type: "team", id: teamId } : c.get("owner"));
  /** A route on one key: its team's, when it is a team key; else the caller's own (another user's key is then a 404). */
  const keyOwner = (c: Context<AppEnv>) => keys.ownerForKey(c.get("owner"), c.req.param("id")!);

  // The service returns the same frozen page while nothing changed: serialize it once.
  const listBodies = new WeakMap<Readonly<ApiKeyList>, string>();
  app.get("/", async (c) => {
    const query = parseWith(listKeysQuerySchema, c.req.query(), "query");
    const page = await keys.list(c.get("actor"), ownerOf(c, query.teamId), query);
    let body = listBodies.get(page);
    if (body === undefined) listBodies.set(page, (body = JSON.stringify({ apiKeys: page.apiKeys, nextCursor: page.nextCursor })));
    return c.body(body, 200, { "content-type": "application/json" });
  });

  app.post("/", async (c) => {
    await limitWrites(c, "key.create", c.get("owner"));
    const body = await readJson(c, createKeyBodySchema);
    // A team key: the team is named in the body (the service asks the policy with the role).
    const owner = ownerOf(c, body.teamId);
    return c.json(await keys.create(c.get("actor"), owner, body), 201);
  });

  app.get("/stats", async (c) => {
    const { teamId } = parseWith(teamQuerySchema, c.req.query(), "query");
    return c.json(await deps.getStats(c.get("actor"), ownerOf(c, teamId)));
  });

  app.post("/test", async (c) => {
    const raw = await readJsonBody(c);
    // Pick the shape by the presence of keyId, so errors name the fields of that shape.
    const hasKeyId = typeof raw === "object" && raw !== null && "keyId" in raw;
    const body = hasKeyId ? parseWith(testSavedKeyBodySchema, raw) : parseWith(testUnsavedKeyBodySchema, raw);
    const { teamId } = parseWith(teamQuerySchema, c.req.query(), "query");
    const owner = "keyId" in body ? await keys.ownerForKey(c.get("owner"), body.keyId) : ownerOf(c, teamId);
    // With the key: under "manage" a member may test it, and a non-member is told no more than "not found".
    await keys.check(c.get("actor"), "key.test", owner, "keyId" in body ? body.keyId : undefined);
    await rateLimiter.enforce([{ rule: RATE_LIMITS.keyTestPerUser, subject: c.get("owner").id }], "Too many key tests (at most 10 per minute)");
    const result: TestResult =
      "keyId" in body ? await keys.test(c.get("actor"), owner, body.keyId, tester) : await keys.testValue(c.get("actor"), owner, body, tester);
    return c.json(result);
  });

  app.get("/:id", async (c) => {
    const query = parseWith(getQuerySchema, c.req.query(), "query");
    const [actor, owner, id] = [c.get("actor"), await keyOwner(c), c.req.param("id")];
    return c.json(query.includeValue === "true" ? await keys.reveal(actor, owner, id) : await keys.get(actor, owner, id));
  });

  app.put("/:id", async (c) => {
    const owner = await keyOwner(c);
    await limitWrites(c, "key.update", owner, c.req.param("id"));
    const body = await readJson(c, updateKeyBodySchema);
    if (Object.keys(body).length === 0) {
      throw new AppError("VALIDATION_ERROR", "Nothing to update: send at least one field", {
        details: [{ path: "body", message: "must contain at least one of name, description, value, isActive, isDefault, expiresAt, config, rotation" }],
      });
    }
    return c.json(await keys.update(c.get("actor"), owner, c.req.param("id"), body));
  });

  app.get("/:id/versions", async (c) => c.json(await keys.listVersions(c.get("actor"), await keyOwner(c), c.req.param("id"))));

  app.post("/:id/rollback", async (c) => {
    const owner = await keyOwner(c);
    await limitWrites(c, "key.rollback", owner, c.req.param("id"));
    const body = await readJson(c, rollbackBodySchema);
    return c.json(await keys.rollback(c.get("actor"), owner, c.req.param("id"), body.version));
  });

  app.post("/:id/rotate", async (c) => {
    const [actor, owner] = [c.get("actor"), await keyOwner(c)];
    await limitWrites(c, "key.rotate", owner, c.req.param("id"));
    const body = await readJson(c, rotateBodySchema);
    // A new value is sent to the provider: it counts as a key test too.
    if ("value" in body) {
      await rateLimiter.enforce([{ rule: RATE_LIMITS.keyTestPerUser, subject: c.get("owner").id }], "Too many key tests (at most 10 per minute)");
    }
    return c.json(await keys.rotate(actor, owner, c.req.param("id"), body, tester));
  });

  app.delete("/:id", async (c) => {
    const owner = await keyOwner(c);
    await limitWrites(c, "key.delete", owner, c.req.param("id"));
    await keys.remove(c.get("actor"), owner, c.req.param("id"));
    return c.body(null, 204);
  });

  return app;
}
