/**
 * Every /api/api-keys route × { anonymous, another signed-in user, the owner }:
 * 401 / 404 (or the other user's own, empty data) / success — and nothing of the owner's key
 * (id, secret, mask, name) in any answer the first two get.
 *
 * No test depends on another's leftovers: the owner's requests change the key (PUT, test,
 * DELETE) or the owner's list (POST), so each owner test has an owner and key of its own; the
 * other user's POST fills their list, so each other-user test has a fresh other user. The
 * anonymous and other-user tests share one owner's key, which each asserts untouched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectRoutes } from "hono/dev";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
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

type Actor = "anonymous" | "other" | "owner";

interface Route {
  name: string;
  send(cookie: string | undefined): Promise<Response>;
  /** What the other user gets when it is not a 404. */
  other?: (res: Response) => Promise<void>;
  owner: (res: Response) => Promise<void>;
}

// "valid" makes the fake provider accept it; the rest makes it unique to this run.
const OWNER_SECRET = "sk-proj-valid-OwnersVerySecretValue0123456789";
const OWNER_NAME = "Owner's production key";
const OWNER_MASK = `sk-…${OWNER_SECRET.slice(-4)}`;

describeEachDatabase("authorization matrix /api/api-keys", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  let owner: SignedUpUser;
  let other: SignedUpUser;
  let keyId: string;
  let shared: { owner: SignedUpUser; keyId: string };
  let ip = 0;

  // Each sign-up from its own address (X-Forwarded-For is trusted below): ~20 sign-ups per
  // database would pass the per-IP sign-up limit otherwise.
  const signUp = () => h.signUp(undefined, { headers: { "x-forwarded-for": `198.51.100.${++ip}` } });
  async function ownerWithKey() {
    const user = await signUp();
    const key = await jsonOf(await send("POST", "/api/api-keys", user.cookie, { body: { name: OWNER_NAME, service: "openai", value: OWNER_SECRET } }), 201);
    return { owner: user, keyId: key.id as string };
  }

  const send = (method: string, path: string, cookie: string | undefined, opts: RequestOptions = {}) =>
    h.request(method, path, { cookie, ...opts });

  const routes: Route[] = [
    {
      name: "GET /api/api-keys",
      send: (cookie) => send("GET", "/api/api-keys", cookie),
      other: async (res) => expect(await jsonOf(res, 200)).toEqual({ apiKeys: [], nextCursor: null }),
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body.apiKeys.map((k: { id: string }) => k.id)).toEqual([keyId]);
      },
    },
    {
      name: "GET /api/api-keys?service=openai",
      send: (cookie) => send("GET", "/api/api-keys?service=openai", cookie),
      other: async (res) => expect(await jsonOf(res, 200)).toEqual({ apiKeys: [], nextCursor: null }),
      owner: async (res) => expect((await jsonOf(res, 200)).apiKeys).toHaveLength(1),
    },
    {
      name: "GET /api/api-keys/stats",
      send: (cookie) => send("GET", "/api/api-keys/stats", cookie),
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
      // Creating is always into one's own store: the other user gets their own key, not the owner's.
      send: (cookie) => send("POST", "/api/api-keys", cookie, { body: { name: "mine", service: "anthropic", value: "sk-ant-api03-someoneelses0123456789" } }),
      other: async (res) => expect(await jsonOf(res, 201)).toMatchObject({ name: "mine", service: "anthropic" }),
      owner: async (res) => expect(await jsonOf(res, 201)).toMatchObject({ name: "mine", service: "anthropic" }),
    },
    {
      name: "GET /api/api-keys/:id",
      send: (cookie) => send("GET", `/api/api-keys/${keyId}`, cookie),
      owner: async (res) => {
        const body = await jsonOf(res, 200);
        expect(body).toMatchObject({ id: keyId, name: OWNER_NAME, maskedValue: OWNER_MASK });
        expect(body).not.toHaveProperty("value");
      },
    },
    {
      name: "GET /api/api-keys/:id?includeValue=true",
      send: (cookie) => send("GET", `/api/api-keys/${keyId}?includeValue=true`, cookie),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, value: OWNER_SECRET }),
    },
    {
      name: "PUT /api/api-keys/:id",
      send: (cookie) => send("PUT", `/api/api-keys/${keyId}`, cookie, { body: { description: "changed", isActive: true } }),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ id: keyId, description: "changed" }),
    },
    {
      name: "POST /api/api-keys/test { keyId }",
      send: (cookie) => send("POST", "/api/api-keys/test", cookie, { body: { keyId } }),
      owner: async (res) => expect(await jsonOf(res, 200)).toMatchObject({ keyId, success: true, status: "valid" }),
    },
    {
      name: "DELETE /api/api-keys/:id",
      send: (cookie) => send("DELETE", `/api/api-keys/${keyId}`, cookie),
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
    const body = await jsonOf(await send("GET", `/api/api-keys/${keyId}?includeValue=true`, owner.cookie), 200);
    expect(body).toMatchObject({ id: keyId, name: OWNER_NAME, value: OWNER_SECRET, isActive: true, description: null, lastTestedAt: null });
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp(dialect, { env: { KEYHAVEN_OPENAI_BASE_URL: fakeBaseUrlOverrides(fake.url).openai, KEYHAVEN_TRUST_PROXY: "true" } });
    shared = await ownerWithKey();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  const actors: Actor[] = ["anonymous", "other", "owner"];
  for (const actor of actors) {
    describe(actor, () => {
      beforeEach(async () => {
        ({ owner, keyId } = actor === "owner" ? await ownerWithKey() : shared);
        if (actor === "other") other = await signUp();
      });
      for (const route of routes) {
        it(route.name, async () => {
          const cookie = actor === "anonymous" ? undefined : actor === "other" ? other.cookie : owner.cookie;
          const res = await route.send(cookie);
          if (actor === "owner") return route.owner(res);

          const text = await res.clone().text();
          expectNothingOfTheOwnersKey(text);
          expectNothingOfTheOwnersKey(JSON.stringify([...res.headers.entries()]));
          if (actor === "anonymous") await expectError(res, 401, UNAUTHORIZED);
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
    const covered = new Set(routes.map((r) => r.name.split(/[ ?]/).slice(0, 2).join(" ")));
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.filter((route) => !covered.has(route))).toEqual([]);
  });
});
