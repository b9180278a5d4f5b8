/**
 * What the gateway's ledger and limits look like through the API: `GET /api/usage` adds up what
 * was sent (per day, key, model and token), `GET /api/limits` shows each budget's spend and the
 * alerts at 80% and 100% (also POSTed to the operator's webhook, once each), a team member's
 * limits are set by owners and admins only and hold on the member's use of the team's keys,
 * and a service token names the user it acts for.
 */
import http from "node:http";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase, tempDir } from "../support/databases.js";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm-upstream.js";
import { awayFromWindowEdge, createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { listenOnLoopback } from "../support/loopback-server.js";
import { addMember, createTeam, createTeamKey } from "../support/teams.js";
import { insertServiceToken } from "../support/tokens.js";

const MODEL = "kh-metered-model";

describeEachDatabase("gateway usage and limits through the API", (dialect) => {
  let fake: FakeLlm;
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let token: string;
  let tokenId: string;
  let keyId: string;
  const hooks: { text: string }[] = [];
  let hookServer: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    fake = await startFakeLlm();
    hookServer = await listenOnLoopback(
      http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          hooks.push(JSON.parse(body) as { text: string });
          res.end("ok");
        });
      }),
    );
    const prices = path.join(tempDir("keyhaven-prices-"), "prices.json");
    writeFileSync(prices, JSON.stringify({ prices: [{ service: "*", model: MODEL, inputPerMTokUsd: 0, outputPerMTokUsd: 1000 }] }));
    h = await createHttpApp(dialect, {
      env: {
        KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai/v1`,
        KEYHAVEN_PRICES_FILE: prices,
        KEYHAVEN_ALERT_WEBHOOK_URL: `${hookServer.url}/hook`,
        KEYHAVEN_USAGE_FLUSH_MS: "50",
      },
    });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "metered", service: "openai", value: openaiKey() })).id;
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gw", scopes: ["resolve", "keys:read"] } }), 201);
    token = made.token;
    tokenId = made.accessToken.id;
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    await hookServer?.close();
  });

  /** One request costing $0.01 (10 output tokens at $1,000 per million). */
  const chat = (bearer = token, extra: Record<string, string> = {}) =>
    fetch(`${server.url}/gateway/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...extra },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    }).then(async (res) => ({ status: res.status, body: await res.text() }));

  it("GET /api/usage adds up the requests per day, key, model and token", async () => {
    for (let i = 0; i < 3; i++) expect((await chat()).status).toBe(200);
    const get = async (groupBy: string) => (await jsonOf(await h.request("GET", `/api/usage?groupBy=${groupBy}`, { cookie: alice.cookie }), 200)).rows;
    const [day] = await get("day");
    expect(day).toMatchObject({ date: new Date().toISOString().slice(0, 10), requests: 3, outputTokens: 30, unpricedRequests: 0, estimatedRequests: 0 });
    expect(day.costUsd).toBeCloseTo(0.03, 9);
    expect(await get("key")).toEqual([expect.objectContaining({ keyId, keyName: "metered", service: "openai", requests: 3 })]);
    expect(await get("model")).toEqual([expect.objectContaining({ model: MODEL, requests: 3 })]);
    expect(await get("token")).toEqual([expect.objectContaining({ tokenId, tokenName: "gw", requests: 3 })]);
    // Scripts read it with a token too.
    const byToken = await fetch(`${server.url}/api/usage?groupBy=model`, { headers: { authorization: `Bearer ${token}` } });
    expect((await jsonOf(byToken, 200)).rows[0].requests).toBe(3);
  });

  it("GET /api/usage refuses a bad query with what is wrong", async () => {
    expect((await h.request("GET", "/api/usage?groupBy=week", { cookie: alice.cookie })).status).toBe(400);
    expect((await h.request("GET", "/api/usage?from=2027-02-01&to=2027-01-01", { cookie: alice.cookie })).status).toBe(400);
    expect((await h.request("GET", "/api/usage?from=2020-01-01&to=2027-01-01", { cookie: alice.cookie })).status).toBe(400);
    expect((await h.request("GET", "/api/usage", { origin: null })).status).toBe(401);
  });

  it("a budget's spend in GET /api/limits; alerts at 80% and 100%, each once, in the app and to the webhook", async () => {
    await jsonOf(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits: { budget: { usd: 0.1, period: "week" } } } }), 200);
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await chat()).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const overview = await jsonOf(await h.request("GET", "/api/limits", { cookie: alice.cookie }), 200);
    const mine = overview.limits.find((l: { kind: string; id: string }) => l.kind === "key" && l.id === keyId);
    expect(mine).toMatchObject({ name: "metered", limits: { budget: { usd: 0.1, period: "week" } }, budget: { reservedUsd: 0 } });
    expect(mine.budget.spentUsd).toBeCloseTo(0.1, 9);
    // The key's own answer carries its limits, with or without its value.
    for (const q of ["", "?includeValue=true"]) {
      const one = await jsonOf(await h.request("GET", `/api/api-keys/${keyId}${q}`, { cookie: alice.cookie }), 200);
      expect(one.limits).toEqual({ budget: { usd: 0.1, period: "week" } });
    }
    expect(overview.alerts.map((a: { threshold: number }) => a.threshold).sort()).toEqual([100, 80]);
    expect(overview.alerts[0].message).toMatch(/Key “metered” has used (80|100)% of its budget/);
    await new Promise((r) => setTimeout(r, 300));
    expect(hooks.map((x) => x.text).sort()).toEqual([expect.stringMatching(/100%/), expect.stringMatching(/80%/)]);
    await jsonOf(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits: null } }), 200);
  });

  it("limits are validated: a negative budget, an unknown period, a field we do not know", async () => {
    for (const limits of [{ budget: { usd: -1, period: "day" } }, { budget: { usd: 1, period: "year" } }, { requestsPerMinute: 0 }, { burst: 3 }]) {
      expect((await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { limits } })).status).toBe(400);
      expect((await h.request("PUT", `/api/tokens/${tokenId}`, { cookie: alice.cookie, body: { limits } })).status).toBe(400);
    }
  });

  describe("a team member's limits", () => {
    it("are set by the team's owners and admins only, and hold on the member's use of the team's key", async () => {
      const bob = await h.signUp();
      const team = await createTeam(h, alice);
      await addMember(h, alice, team.id, bob);
      await createTeamKey(h, alice, team.id, { name: "team openai", service: "openai", value: openaiKey() });
      const bobToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: bob.cookie, body: { name: "bob gw", scopes: ["resolve"] } }), 201)).token;
      expect((await h.request("PUT", `/api/teams/${team.id}/members/${alice.id}`, { cookie: bob.cookie, body: { limits: { requestsPerMinute: 1 } } })).status).toBe(403);
      const set = await jsonOf(await h.request("PUT", `/api/teams/${team.id}/members/${bob.id}`, { cookie: alice.cookie, body: { limits: { requestsPerMinute: 2 } } }), 200);
      expect(set).toEqual({ teamId: team.id, userId: bob.id, limits: { requestsPerMinute: 2 } });
      expect((await h.request("PUT", `/api/teams/${team.id}/members/not-a-member`, { cookie: alice.cookie, body: { limits: null } })).status).toBe(404);
      const seen = await jsonOf(await h.request("GET", "/api/limits", { cookie: bob.cookie }), 200);
      expect(seen.limits).toEqual([expect.objectContaining({ kind: "member", id: bob.id, teamId: team.id, limits: { requestsPerMinute: 2 } })]);
      await awayFromWindowEdge(60_000, 10_000);
      const results = [await chat(bobToken), await chat(bobToken), await chat(bobToken)];
      expect(results.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(results[2].body).toMatch(/your use of this team's keys may make 2 requests per minute/);
    });
  });

  it("tokens per minute on a token: the worst case is held, the real use counted; over it, 429 naming the limit", async () => {
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "tpm", scopes: ["resolve"] } }), 201);
    const set = await jsonOf(await h.request("PUT", `/api/tokens/${made.accessToken.id}`, { cookie: alice.cookie, body: { limits: { tokensPerMinute: 60 } } }), 200);
    expect(set.limits).toEqual({ tokensPerMinute: 60 });
    await awayFromWindowEdge(60_000, 10_000);
    // Each request holds ~34 estimated input tokens + its 10 output tokens, and really uses 12 + 10.
    const first = await chat(made.token);
    const second = await chat(made.token);
    expect([first.status, second.status]).toEqual([200, 429]);
    expect(second.body).toMatch(/this access token may use 60 tokens per minute/);
  });

  it("a service token names the user in x-keyhaven-user; without it, 400", async () => {
    const service = await insertServiceToken(h.runtime, { createdBy: alice.id, scopes: ["resolve"] });
    expect((await chat(service.token)).status).toBe(400);
    const ok = await chat(service.token, { "x-keyhaven-user": alice.id });
    expect(ok.status).toBe(200);
  });
});
