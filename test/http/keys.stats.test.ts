/** GET /api/api-keys/stats — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { anthropicKey, createHttpApp, expectError, jsonOf, openaiKey, UNAUTHORIZED, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const DAY_MS = 86_400_000;
/**
 * The server runs on an injected clock, one millisecond before today's UTC midnight: the
 * expected days come from that clock, never from the test's own (which, read after the
 * request, could already be on the next day). Within a day of real time, so sessions hold.
 */
const serverNow = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 1);
const thirtyDays = () =>
  Array.from({ length: 30 }, (_, i) => ({ date: new Date(serverNow.getTime() - (29 - i) * DAY_MS).toISOString().slice(0, 10), count: 0 }));

describeEachDatabase("GET /api/api-keys/stats", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { now: () => serverNow });
    [alice, bob] = [await h.signUp(), await h.signUp()];
    await h.createKey(alice, { name: "active", service: "openai", value: openaiKey() });
    await h.createKey(alice, { name: "off", service: "openai", value: openaiKey(), isActive: false });
    await h.createKey(alice, { name: "soon", service: "anthropic", value: anthropicKey(), expiresAt: new Date(serverNow.getTime() + 2 * DAY_MS).toISOString() });
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("counts, per service, and 30 days of usage (oldest first, ending today)", async () => {
      const res = await h.request("GET", "/api/api-keys/stats", { cookie: alice.cookie });
      const body = await jsonOf(res, 200);
      expect(body).toEqual({
        total: 3,
        active: 2,
        inactive: 1,
        expired: 0,
        expiringSoon: 1,
        totalUsage: 0,
        byService: {
          anthropic: { total: 1, active: 1, usageCount: 0 },
          openai: { total: 2, active: 1, usageCount: 0 },
        },
        usageByDay: thirtyDays(),
      });
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("another user gets only their own (empty) stats", async () => {
      expect(await jsonOf(await h.request("GET", "/api/api-keys/stats", { cookie: bob.cookie }), 200)).toEqual({
        total: 0,
        active: 0,
        inactive: 0,
        expired: 0,
        expiringSoon: 0,
        totalUsage: 0,
        byService: {},
        usageByDay: thirtyDays(),
      });
    });
  });

  describe("401", () => {
    it("without a session", async () => {
      await expectError(await h.request("GET", "/api/api-keys/stats"), 401, UNAUTHORIZED);
    });
  });
});
