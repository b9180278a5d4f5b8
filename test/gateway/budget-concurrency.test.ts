/**
 * A budget holds under concurrency, the way LiteLLM's does not: 100 requests at once against a
 * budget worth 10 — at most 11 get through (the reservation overshoots by at most one request),
 * in one process on SQLite and on PostgreSQL, and split across two server processes on one
 * database. A requests-per-minute limit on a token holds across the two processes too.
 *
 * Each request asks for 10 output tokens of a model priced (by an override file) at $1,000 per
 * million output tokens and nothing for input, and the fake provider uses exactly what it was
 * allowed: every request costs $0.01, its worst case and its real cost alike; the budget is $0.10.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase, tempDir } from "../support/databases.js";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm-upstream.js";
import { awayFromWindowEdge, createHttpApp, jsonOf, openaiKey, type HttpApp } from "../support/http-app.js";
import { callPair, pairJson, startServerPair, stopPairsAfterAll, TWO_STARTS_MS, type PairServer } from "../support/server-pair.js";
import { cookieHeaderFrom, DEFAULT_PASSWORD, unique } from "../support/http-app.js";

const MODEL = "kh-budget-model";
const BUDGET = { usd: 0.1, period: "day" } as const;

function pricesFile(): string {
  const file = path.join(tempDir("keyhaven-prices-"), "prices.json");
  writeFileSync(file, JSON.stringify({ prices: [{ service: "openai", model: MODEL, inputPerMTokUsd: 0, outputPerMTokUsd: 1000 }] }));
  return file;
}

const chat = (base: string, token: string) =>
  fetch(`${base}/gateway/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });

/**
 * A request that fails upstream (502: a kept-alive socket the fake closed just then is retried
 * once, a second reset is not) releases its reservation and costs nothing; a loaded CI machine
 * could see one. The budget's promise is about the ones that succeed.
 */
const MAX_UPSTREAM_FAILURES = 3;

function tally(statuses: number[]) {
  const ok = statuses.filter((s) => s === 200).length;
  const refused = statuses.filter((s) => s === 429).length;
  return { ok, refused, other: statuses.length - ok - refused };
}

const cleanups = stopPairsAfterAll();
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake?.close());

describeEachDatabase("a budget under 100 concurrent requests, one process", (dialect) => {
  let h: HttpApp;
  let server: RunningServer;
  let token: string;
  let keyId: string;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai/v1`, KEYHAVEN_PRICES_FILE: pricesFile() } });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    const alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "budgeted", service: "openai", value: openaiKey() })).id;
    await jsonOf(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits: { budget: BUDGET } } }), 200);
    token = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gw", scopes: ["resolve"] } }), 201)).token;
  });
  afterAll(() => server?.stop());

  it("at most 11 of 100 succeed; the rest are 429; the ledger's cost stays within one request of the budget", async () => {
    const { ok, refused, other } = tally(await Promise.all(Array.from({ length: 100 }, () => chat(server.url, token))));
    expect(other).toBeLessThanOrEqual(MAX_UPSTREAM_FAILURES);
    expect(ok).toBeGreaterThanOrEqual(10 - other);
    expect(ok).toBeLessThanOrEqual(11);
    expect(refused).toBe(100 - ok - other);
    await new Promise((r) => setTimeout(r, 1_200));
    const rows = await h.runtime.database.db.selectFrom("gateway_requests").select(["cost_nano_usd", "status"]).where("key_id", "=", keyId).execute();
    const spent = rows.reduce((sum, r) => sum + Number(r.cost_nano_usd ?? 0), 0) / 1e9;
    expect(spent).toBeLessThanOrEqual(BUDGET.usd + 0.01 + 1e-9);
  });
});

describeEachDatabase("a budget and a rate limit across two server processes on one database", (dialect) => {
  let a: PairServer;
  let b: PairServer;
  let cookie: string;
  let keyId: string;
  let token: string;

  beforeAll(async () => {
    ({ a, b } = await startServerPair(dialect, {
      cleanups,
      prefix: "budget",
      env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai/v1`, KEYHAVEN_PRICES_FILE: pricesFile(), KEYHAVEN_USAGE_FLUSH_MS: "50" },
    }));
    const email = `budget-${unique()}@example.com`;
    const res = await callPair(a, "POST", "/api/auth/sign-up/email", { body: { email, password: DEFAULT_PASSWORD, name: "Budget" } });
    await pairJson(res.clone(), 200);
    cookie = cookieHeaderFrom(res);
    keyId = (await pairJson(await callPair(a, "POST", "/api/api-keys", { cookie, body: { name: "shared budget", service: "openai", value: openaiKey() } }), 201)).id;
    await pairJson(await callPair(b, "PUT", `/api/api-keys/${keyId}`, { cookie, body: { limits: { budget: BUDGET } } }), 200);
    token = (await pairJson(await callPair(a, "POST", "/api/tokens", { cookie, body: { name: "gw", scopes: ["resolve"] } }), 201)).token;
  }, TWO_STARTS_MS);

  it("100 requests split between the two: at most 11 succeed", async () => {
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => chat(i % 2 ? a.url : b.url, token)));
    const { ok, other } = tally(statuses);
    expect(other).toBeLessThanOrEqual(MAX_UPSTREAM_FAILURES);
    expect(ok).toBeGreaterThanOrEqual(10 - other);
    expect(ok).toBeLessThanOrEqual(11);
  });

  it("5 requests per minute on a token: 20 split between the two, 5 succeed", async () => {
    await pairJson(await callPair(a, "PUT", `/api/api-keys/${keyId}`, { cookie, body: { limits: null } }), 200);
    const limited = (await pairJson(await callPair(a, "POST", "/api/tokens", { cookie, body: { name: "rpm", scopes: ["resolve"] } }), 201));
    await pairJson(await callPair(b, "PUT", `/api/tokens/${limited.accessToken.id}`, { cookie, body: { limits: { requestsPerMinute: 5 } } }), 200);
    await awayFromWindowEdge(60_000, 10_000);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2 ? a.url : b.url, limited.token)));
    expect(tally(statuses)).toEqual({ ok: 5, refused: 15, other: 0 });
  });
});
