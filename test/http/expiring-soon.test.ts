/**
 * The Usage page's "Expiring soon" card (GET /api/api-keys/stats → expiringSoon) and the list
 * under it (the web app's keysExpiringSoon over GET /api/api-keys) count the same keys, and
 * the keys page's badges say "expiring-soon" for exactly those: one rule, src/shared/expiry.ts.
 * Judged on the server's clock (injected), with keys at and around every edge of the rule.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { EXPIRING_SOON_MS } from "../../src/shared/expiry.js";
import type { ApiKey } from "../../web/src/keyhaven.js";
import { keysExpiringSoon, keyStatus } from "../../web/src/lib/key-status.js";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const HOUR = 3_600_000;

describeEachDatabase("expiring soon: the stats card and the web list agree", (dialect) => {
  // Real time, to the millisecond, moved forward by the test: sessions stay valid.
  let clock = Date.now();
  let h: HttpApp;
  let alice: SignedUpUser;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { now: () => new Date(clock) });
    alice = await h.signUp();
    const at = (ms: number) => new Date(clock + ms).toISOString();
    const keys: [string, Record<string, unknown>][] = [
      ["soon", { expiresAt: at(2 * 24 * HOUR) }],
      ["soon, switched off", { expiresAt: at(2 * 24 * HOUR), isActive: false }],
      ["edge of the window", { expiresAt: at(EXPIRING_SOON_MS + 2 * HOUR) }], // exactly 7 days once the clock moves 2 h
      ["just past the window", { expiresAt: at(EXPIRING_SOON_MS + 2 * HOUR + 1) }],
      ["will have expired", { expiresAt: at(HOUR) }],
      ["will have expired, switched off", { expiresAt: at(HOUR), isActive: false }],
      ["never expires", {}],
      ["never expires, switched off", { isActive: false }],
    ];
    for (const [name, fields] of keys) {
      await jsonOf(await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name, service: "openai", value: openaiKey(), ...fields } }), 201);
    }
    clock += 2 * HOUR;
  });
  afterAll(() => h?.close());

  it("the same keys, counted by the server and listed by the web app", async () => {
    const stats = await jsonOf(await h.request("GET", "/api/api-keys/stats", { cookie: alice.cookie }), 200);
    const { apiKeys } = (await jsonOf(await h.request("GET", "/api/api-keys", { cookie: alice.cookie }), 200)) as { apiKeys: ApiKey[] };
    const listed = keysExpiringSoon(apiKeys, clock);
    expect(listed.map((k) => k.name)).toEqual(["soon", "edge of the window"]);
    expect(stats.expiringSoon).toBe(listed.length);
    expect(stats).toMatchObject({ total: 8, active: 4, inactive: 2, expired: 2 });
    const badged = apiKeys
      .filter((k) => keyStatus(k, clock) === "expiring-soon")
      .map((k) => k.name)
      .sort();
    expect(badged).toEqual(["edge of the window", "soon"]);
  });
});
