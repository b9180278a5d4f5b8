/**
 * Every /api/api-keys route (versions, rotate and rollback included) × { anonymous, another signed-in user, the owner } with a session,
 * and × the bearer columns { no token, a revoked token, an expired token, a token without the
 * route's scope, another user's token, a service token, the owner's token with just that scope }:
 * 401 / 404 (or the other user's own, empty data) / 403 naming the scope / success — and nothing
 * of the owner's key (id, secret, mask, name) in any answer a caller other than the owner gets.
 * Bearer requests carry no Origin and no cookie, as a script's would. Team keys and their
 * members, admins and owners: authorization-matrix.teams.test.ts.
 *
 * No test depends on another's leftovers: the owner's requests change the key (PUT, test,
 * DELETE) or the owner's list (POST), so each owner test has an owner and key of its own; the
 * other user's POST fills their list, so each other-user test has a fresh other user. The
 * anonymous and other-user tests share one owner's key, which each asserts untouched. The
 * revoked, expired and service tokens are made once, against that shared owner; the expired one
 * is live until the server clock (`now`) is moved past its expiry, before any test runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectRoutes } from "hono/dev";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import type { TokenScope } from "../../src/shared/api-schemas.js";
import { ALL_SCOPES, bearerHeader, insertServiceToken, TOKEN_UNAUTHORIZED } from "../support/tokens.js";
import {
  createHttpApp,
  expectError,
  jsonOf,
  KEY_NOT_FOUND,
  UNAUTHORIZED,
  type HttpApp,
  type RequestOptions,
  type SignedUpUser,
} from "../support/http-app.js";

type Actor =
  | "anonymous"
  | "other"
  | "owner"
  | "no token"
  | "revoked token"
  | "expired token"
  | "token without the scope"
  | "other user's token"
  | "service token"
  | "owner's token";

/** A session cookie, or a bearer token (then no Origin, as from a script), or nothing at all. */
interface Caller {
  cookie?: string;
  bearer?: string;
  /** No Origin header even without a bearer: a script that sends nothing. */
  script?: boolean;
}

interface Route {
  name: string;
  /** The one scope a token needs here. */
  scope: TokenScope;
  send(as: Caller): Promise<Response>;
  /** What the other user gets when it is not a 404. */
  other?: (res: Response) => Promise<void>;
  owner: (res: Response) => Promise<void>;
}

// "valid" makes the fake provider accept it; the rest makes it unique to this run.
const OWNER_SECRET = "sk-proj-valid-OwnersVerySecretValue0123456789";
const OWNER_NAME = "Owner's production key";
const OWNER_MASK = `sk-…${OWNER_SECRET.slice(-4)}`;
const ROTATED_SECRET = "sk-proj-valid-RotatedValueOfTheOwner987654321";
const SERVICE_REFUSED = { code: "FORBIDDEN", message: "You are not allowed to do that" };

/** Covered by test/backup/personal-export.http.test.ts (owner, another user, tokens by scope, team roles). */
const KEY_FILE_ROUTES = ["POST /api/api-keys/export", "POST /api/api-keys/import"];

describeEachDatabase("authorization matrix /api/api-keys", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  let owner: SignedUpUser;
  let other: SignedUpUser;
  let keyId: string;
  let shared: { owner: SignedUpUser; keyId: string };
  let ip = 0;
  /** Added to the real time to make the server clock: moved forward once to expire a token. */
  let clockOffsetMs = 0;
  const tokens = { revoked: "", expired: "", service: "" };

  // Each sign-up from its own address (X-Forwarded-For is trusted below): ~20 sign-ups per
  // database would pass the per-IP sign-up limit otherwise.
  const signUp = () => h.signUp(undefined, { headers: { "x-forwarded-for": `198.51.100.${++ip}` } });
  async function ownerWithKey() {
    const user = await signUp();
    const key = await jsonOf(await send("POST", "/api/api-keys", { cookie: user.cookie }, { body: { name: OWNER_NAME, service: "openai", value: OWNER_SECRET } }), 201);
    return { owner: user, keyId: key.id as string };
  }

  const send = (method: string, path: string, as: Caller, opts: RequestOptions = {}) =>
    h.request(method, path, {
      cookie: as.cookie,
      origin: as.bearer !== undefined || as.script ? null : undefined,
      ...opts,
      headers: { ...(as.bearer !== undefined ? bearerHeader(as.bearer) : {}), ...opts.headers },
    });

  async function makeToken(user: SignedUpUser, scopes: readonly TokenScope[], expiresAt?: string) {
    const body = { name: `matrix ${scopes.join(" ")}`, scopes, ...(expiresAt ? { expiresAt } : {}) };
    const created = await jsonOf(await send("POST", "/api/tokens", { cookie: user.cookie }, { body }), 201);
    return { id: created.accessToken.id as string, token: created.token as string };
  }

  const routes: Route[] = [
    {
      name: "GET /api/api-keys",
      scope: "keys:read",
      send: (as) => send("GET", "/api/api-keys", as),
      other: async (res) => expect(await jsonOf(res, 200)).toEqual({ apiKeys: [], nextCursor: null }),
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body.apiKeys.map((k: { id: string }) => k.id)).toEqual([keyId]);
      },
    },
    {
      name: "GET /api/api-keys?service=openai",
      scope: "keys:read",
      send: (as) => send("GET", "/api/api-keys?service=openai", as),
      other: async (res) => expect(await jsonOf(res, 200)).toEqual({ apiKeys: [], nextCursor: null }),
      owner: async (res) => expect((await jsonOf(res, 200)).apiKeys).toHaveLength(1),
    },
    {
      name: "GET /api/api-keys/stats",
      scope: "keys:read",
      send: (as) => send("GET", "/api/api-keys/stats", as),
      other: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body).toMatchObject({ total: 0, active: 0, inactive: 0, expired: 0, expiringSoon: 0, totalUsage: 0, byService: {} });
      },
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body).toMatchObject({ total: 1, active: 1, byService: { openai: { total: 1, active: 1, usageCount: 0 } } });
      },
    },
    {
      name: "POST /api/api-keys",
      scope: "keys:write",
      // Creating is always into one's own store: the other user gets their own key, not the owner's.
      send: (as) => send("POST", "/api/api-keys", as, { body: { name: "mine", service: "anthropic", value: "sk-ant-api03-someoneelses0123456789" } }),
      other: async (res) => expect(await jsonOf(res, 201)).toMatchObject({ name: "mine", service: "anthropic" }),
      owner: async (res) => expect(await jsonOf(res, 201)).toMatchObject({ name: "mine", service: "anthropic" }),
    },
    {
      name: "GET /api/api-keys/:id",
      scope: "keys:read",
      send: (as) => send("GET", `/api/api-keys/${keyId}`, as),
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body).toMatchObject({ id: keyId, name: OWNER_NAME, maskedValue: OWNER_MASK });
        expect(body).not.toHaveProperty("value");
      },
    },
    {
      name: "GET /api/api-keys/:id?includeValue=true",
      scope: "keys:reveal",
      send: (as) => send("GET", `/api/api-keys/${keyId}?includeValue=true`, as),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, value: OWNER_SECRET }),
    },
    {
      name: "PUT /api/api-keys/:id",
      scope: "keys:write",
      send: (as) => send("PUT", `/api/api-keys/${keyId}`, as, { body: { description: "changed", isActive: true } }),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, description: "changed" }),
    },
    {
      name: "POST /api/api-keys/test { keyId }",
      scope: "keys:write",
      send: (as) => send("POST", "/api/api-keys/test", as, { body: { keyId } }),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ keyId, success: true, status: "valid" }),
    },
    {
      name: "GET /api/api-keys/:id/versions",
      scope: "keys:read",
      send: (as) => send("GET", `/api/api-keys/${keyId}/versions`, as),
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body.versions).toEqual([{ version: 1, maskedValue: OWNER_MASK, createdAt: expect.any(String), createdBy: expect.any(String), current: true }]);
      },
    },
    {
      name: "POST /api/api-keys/:id/rotate",
      scope: "keys:write",
      send: (as) => send("POST", `/api/api-keys/${keyId}/rotate`, as, { body: { value: ROTATED_SECRET } }),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, maskedValue: `sk-…${ROTATED_SECRET.slice(-4)}`, lastTestStatus: "valid" }),
    },
    {
      name: "POST /api/api-keys/:id/rollback",
      scope: "keys:write",
      // A value change by the same caller first (refused alike to anyone but the owner), so there is a version to go back to.
      send: async (as) => {
        await send("PUT", `/api/api-keys/${keyId}`, as, { body: { value: ROTATED_SECRET } });
        return send("POST", `/api/api-keys/${keyId}/rollback`, as, { body: { version: 1 } });
      },
      owner: async (res) => {
        expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, maskedValue: OWNER_MASK });
        const revealed = await jsonOf(await send("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: owner.cookie }), 200);
        expect(revealed.value).toBe(OWNER_SECRET);
      },
    },
    {
      name: "DELETE /api/api-keys/:id",
      scope: "keys:write",
      send: (as) => send("DELETE", `/api/api-keys/${keyId}`, as),
      owner: async (res) => {
        expect(res.status).toBe(204);
        expect(await res.text()).toBe("");
      },
    },
  ];

  function expectNothingOfTheOwnersKey(text: string) {
    for (const secret of [keyId, OWNER_SECRET, OWNER_SECRET.slice(8), OWNER_MASK, OWNER_NAME]) expect(text).not.toContain(secret);
  }

  async function ownerKeyIsUntouched() {
    const body = await jsonOf(await send("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: owner.cookie }), 200);
    expect(body).toMatchObject({ id: keyId, name: OWNER_NAME, value: OWNER_SECRET, isActive: true, description: null, lastTestedAt: null });
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp(dialect, {
      env: { KEYHAVEN_OPENAI_BASE_URL: fakeBaseUrlOverrides(fake.url).openai, KEYHAVEN_TRUST_PROXY: "true" },
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    shared = await ownerWithKey();
    const list = (bearer: string) => send("GET", "/api/api-keys", { bearer });

    // Each of these worked before it was revoked or expired: the refusal is the revocation's or the expiry's.
    const revoked = await makeToken(shared.owner, ALL_SCOPES);
    expect((await list(revoked.token)).status).toBe(200);
    expect((await send("DELETE", `/api/tokens/${revoked.id}`, { cookie: shared.owner.cookie })).status).toBe(204);
    tokens.revoked = revoked.token;

    const expired = await makeToken(shared.owner, ALL_SCOPES, new Date(Date.now() + 60_000).toISOString());
    expect((await list(expired.token)).status).toBe(200);
    clockOffsetMs = 2 * 60_000;
    tokens.expired = expired.token;

    // A live service token with every scope: its refusals are for what it is, not for a missing scope.
    tokens.service = (await insertServiceToken(h.runtime, { createdBy: shared.owner.id, scopes: ALL_SCOPES })).token;
    expect(await h.runtime.tokens.verify(tokens.service)).toMatchObject({ type: "token", kind: "service", userId: null });
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  /** Who sends the request, made fresh where the request may change what it reaches. */
  async function callerFor(actor: Actor, route: Route): Promise<Caller> {
    switch (actor) {
      case "anonymous":
        return {};
      case "no token":
        return { script: true };
      case "other":
        return { cookie: other.cookie };
      case "owner":
        return { cookie: owner.cookie };
      case "revoked token":
        return { bearer: tokens.revoked };
      case "expired token":
        return { bearer: tokens.expired };
      case "service token":
        return { bearer: tokens.service };
      case "token without the scope":
        return { bearer: (await makeToken(owner, ALL_SCOPES.filter((s) => s !== route.scope))).token };
      case "other user's token":
        return { bearer: (await makeToken(other, ALL_SCOPES)).token };
      case "owner's token":
        return { bearer: (await makeToken(owner, [route.scope])).token };
    }
  }

  const actors: Actor[] = [
    "anonymous",
    "other",
    "owner",
    "no token",
    "revoked token",
    "expired token",
    "token without the scope",
    "other user's token",
    "service token",
    "owner's token",
  ];
  const ownsTheKey = (actor: Actor) => actor === "owner" || actor === "owner's token";
  const isOtherUser = (actor: Actor) => actor === "other" || actor === "other user's token";
  for (const actor of actors) {
    describe(actor, () => {
      beforeEach(async () => {
        ({ owner, keyId } = ownsTheKey(actor) ? await ownerWithKey() : shared);
        if (isOtherUser(actor)) other = await signUp();
      });
      for (const route of routes) {
        it(route.name, async () => {
          const res = await route.send(await callerFor(actor, route));
          if (ownsTheKey(actor)) return route.owner(res);

          const text = await res.clone().text();
          expectNothingOfTheOwnersKey(text);
          expectNothingOfTheOwnersKey(JSON.stringify([...res.headers.entries()]));
          if (actor === "anonymous" || actor === "no token") await expectError(res, 401, UNAUTHORIZED);
          else if (actor === "revoked token" || actor === "expired token") await expectError(res, 401, TOKEN_UNAUTHORIZED);
          else if (actor === "token without the scope") await expectError(res, 403, { code: "FORBIDDEN", message: `This token lacks the ${route.scope} scope` });
          else if (actor === "service token") await expectError(res, 403, SERVICE_REFUSED);
          else if (route.other) await route.other(res);
          else await expectError(res, 404, KEY_NOT_FOUND);
          await ownerKeyIsUntouched();
        });
      }
    });
  }

  it("covers every /api/api-keys route the app registers", () => {
    const registered = inspectRoutes(h.app)
      .filter((r) => !r.isMiddleware && r.path.startsWith("/api/api-keys"))
      .map((r) => `${r.method} ${r.path}`);
    // "GET /api/api-keys?service=openai" and "POST /api/api-keys/test { keyId }" cover their route.
    // The key files (export, import) have their own who-may table: test/backup/personal-export.http.test.ts.
    const covered = new Set([...routes.map((r) => r.name.split(/[ ?]/).slice(0, 2).join(" ")), ...KEY_FILE_ROUTES]);
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.filter((route) => !covered.has(route))).toEqual([]);
  });
});
