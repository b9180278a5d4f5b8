/**
 * Two real server processes (`node bin/keyhaven.mjs serve`) on one database — the same data dir
 * on SQLite, the same PostgreSQL schema — and one master key, as two replicas behind a balancer.
 * A token made on A works on B; once A revokes it, the very next request to B is a 401, with no
 * wait: verification reads the database on every request, no instance caches a token. Likewise
 * an expiry passes on B at the time it says.
 *
 * A starts (and migrates) before B starts, so the two never race on migrations.
 */
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { callPair, pairJson, startServerPair, stopPairsAfterAll, TWO_STARTS_MS, type PairServer } from "../support/server-pair.js";
import { cookieHeaderFrom, DEFAULT_PASSWORD, openaiKey, unique } from "../support/http-app.js";
import { TOKEN_UNAUTHORIZED } from "../support/tokens.js";

const cleanups = stopPairsAfterAll();


/** Signs up on `server`, makes a key there; returns the cookie. */
async function userWithKey(server: PairServer, keyName: string): Promise<string> {
  const email = `two-${unique()}@example.com`;
  const res = await callPair(server, "POST", "/api/auth/sign-up/email", { body: { email, password: DEFAULT_PASSWORD, name: "Two" } });
  await pairJson(res.clone(), 200);
  const cookie = cookieHeaderFrom(res);
  await pairJson(await callPair(server, "POST", "/api/api-keys", { cookie, body: { name: keyName, service: "openai", value: openaiKey() } }), 201);
  return cookie;
}

describeEachDatabase("a token revoked on one server process is refused by another at once", (dialect) => {
  let a: PairServer;
  let b: PairServer;
  beforeAll(async () => {
    ({ a, b } = await startServerPair(dialect, { cleanups }));
  }, TWO_STARTS_MS);

  it("made on A, used on B (200); revoked on A: the very next request to B is a 401", async () => {
    const cookie = await userWithKey(a, "made on A");
    const created = await pairJson(await callPair(a, "POST", "/api/tokens", { cookie, body: { name: "replicas", scopes: ["keys:read"] } }), 201);
    const token = created.token as string;

    // B has never seen this user or token: it answers from the shared database.
    const page = await pairJson(await callPair(b, "GET", "/api/api-keys", { bearer: token }), 200);
    expect(page.apiKeys.map((k: { name: string }) => k.name)).toEqual(["made on A"]);
    expect((await callPair(b, "GET", "/api/api-keys", { bearer: token })).status).toBe(200);

    expect((await callPair(a, "DELETE", `/api/tokens/${created.accessToken.id}`, { cookie })).status).toBe(204);
    const refused = await pairJson(await callPair(b, "GET", "/api/api-keys", { bearer: token }), 401);
    expect(refused).toEqual({ error: TOKEN_UNAUTHORIZED });
    // And it stays refused, on both, on every route.
    expect((await callPair(b, "GET", "/api/api-keys/stats", { bearer: token })).status).toBe(401);
    expect((await callPair(a, "GET", "/api/api-keys", { bearer: token })).status).toBe(401);

    // The other way round, with the session made on A (the session secret comes from the shared
    // master key): a token made and revoked on B is refused by A at once.
    const second = await pairJson(await callPair(b, "POST", "/api/tokens", { cookie, body: { name: "from B", scopes: ["keys:read"] } }), 201);
    expect((await callPair(a, "GET", "/api/api-keys", { bearer: second.token })).status).toBe(200);
    expect((await callPair(b, "DELETE", `/api/tokens/${second.accessToken.id}`, { cookie })).status).toBe(204);
    expect(await pairJson(await callPair(a, "GET", "/api/api-keys", { bearer: second.token }), 401)).toEqual({ error: TOKEN_UNAUTHORIZED });
  });

  it("a token that expires is refused by B from its expiry on", async () => {
    const cookie = await userWithKey(a, "expiring");
    // Long enough for the first request to be answered well before it on a loaded machine.
    const expiresAt = Date.now() + 5_000;
    const created = await pairJson(
      await callPair(a, "POST", "/api/tokens", { cookie, body: { name: "short", scopes: ["keys:read"], expiresAt: new Date(expiresAt).toISOString() } }),
      201,
    );
    expect((await callPair(b, "GET", "/api/api-keys", { bearer: created.token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    expect(await pairJson(await callPair(b, "GET", "/api/api-keys", { bearer: created.token }), 401)).toEqual({ error: TOKEN_UNAUTHORIZED });
    expect((await callPair(a, "GET", "/api/api-keys", { bearer: created.token })).status).toBe(401);
  });
});
