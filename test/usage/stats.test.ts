/** getKeyStats against a known set of keys and uses, on both databases. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { statsSchema } from "../../src/shared/api-schemas.js";
import type { Runtime } from "../../src/app/compose.js";
import { getKeyStats, type KeyStats } from "../../src/usage/stats.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { DAY, keys, manualClock, newUserId, providerOf, userOwner } from "../provider/fixtures.js";
import { actorFor } from "../support/actors.js";

const TODAY = "2026-03-10T12:00:00.000Z";
const at = (daysFromToday: number) => new Date(Date.parse(TODAY) + daysFromToday * DAY).toISOString();

describeEachDatabase("getKeyStats", (dialect) => {
  let db: TestDatabase;
  let rt: Runtime;
  const clock = manualClock(at(-45));
  const user = newUserId();
  const other = newUserId();
  let stats: KeyStats;

  beforeAll(async () => {
    db = createTestDatabase(dialect);
    rt = await db.runtime({}, { now: clock.now });
    const owner = userOwner(user);
    const provider = providerOf(rt);
    const handOut = async (days: number, n: number, fn: () => Promise<unknown>) => {
      clock.set(at(days));
      for (let i = 0; i < n; i++) await fn();
    };

    // All keys are created 45 days ago.
    await rt.keys.create(actorFor(owner), owner, { name: "A", service: "openai", value: keys.openai() }); // active
    await rt.keys.create(actorFor(owner), owner, { name: "B", service: "openai", value: keys.openai(), isActive: false }); // inactive
    await rt.keys.create(actorFor(owner), owner, { name: "C", service: "anthropic", value: keys.anthropic(), expiresAt: at(-44) }); // expired
    await rt.keys.create(actorFor(owner), owner, { name: "G", service: "anthropic", value: keys.anthropic(), expiresAt: at(-44), isActive: false }); // expired (and off)
    await rt.keys.create(actorFor(owner), owner, { name: "D", service: "groq", value: keys.groq(), expiresAt: at(3) }); // active, expiring soon
    await rt.keys.create(actorFor(owner), owner, { name: "E", service: "xai", value: keys.xai(), expiresAt: at(30) }); // active, not soon
    await rt.keys.create(actorFor(owner), owner, { name: "H", service: "google", value: keys.google(), expiresAt: at(3), isActive: false }); // inactive
    await rt.keys.create(actorFor(owner), owner, { name: "W", service: "aws", value: keys.aws() }); // active
    const f = await rt.keys.create(actorFor(owner), owner, { name: "F", service: "custom", value: keys.custom(), config: { baseUrl: "https://x.example" } });
    await rt.keys.create(actorFor(userOwner(other)), userOwner(other), { name: "O", service: "openai", value: keys.openai() });

    await handOut(-40, 1, () => provider.getOpenAIApiKey(user)); // outside the 30-day window
    await handOut(-29, 1, () => provider.getXAIApiKey(user)); // first day of the window
    await handOut(-2, 3, () => provider.getOpenAIApiKey(user));
    await handOut(-2, 1, () => provider.getGroqApiKey(user));
    await handOut(0, 5, () => provider.getOpenAIApiKey(user));
    await handOut(0, 2, () => provider.getGroqApiKey(user));
    await handOut(0, 1, () => provider.getAWSCredentials(user));
    await handOut(0, 4, () => provider.getCustomApiKey(user));
    await handOut(0, 6, () => provider.getOpenAIApiKey(other)); // someone else's
    await handOut(0, 3, () => provider.getAnthropicApiKey(user)); // expired: not handed out
    await rt.usage.flush();
    await rt.keys.remove(actorFor(owner), owner, f.id); // its daily history stays; its counter goes with it

    stats = await getKeyStats(rt.database.db, owner, new Date(TODAY));
  });
  afterAll(() => db.drop());

  it("has exactly the documented shape", () => {
    expect(statsSchema.strict().parse(stats)).toEqual(stats);
    expect(Object.keys(stats).sort()).toEqual(
      ["active", "byService", "expired", "expiringSoon", "inactive", "total", "totalUsage", "usageByDay"].sort(),
    );
  });

  it("counts keys by state: active + inactive + expired = total", () => {
    expect(stats).toMatchObject({ total: 8, active: 4, inactive: 2, expired: 2, expiringSoon: 1 });
    expect(stats.active + stats.inactive + stats.expired).toBe(stats.total);
  });

  it("sums usage per key and per service", () => {
    expect(stats.totalUsage).toBe(9 + 3 + 1 + 1);
    expect(stats.byService).toEqual({
      openai: { total: 2, active: 1, usageCount: 9 },
      anthropic: { total: 2, active: 0, usageCount: 0 },
      groq: { total: 1, active: 1, usageCount: 3 },
      xai: { total: 1, active: 1, usageCount: 1 },
      google: { total: 1, active: 0, usageCount: 0 },
      aws: { total: 1, active: 1, usageCount: 1 },
    });
  });

  it("gives 30 days of usage ending today, oldest first, zeros included", () => {
    const days = stats.usageByDay;
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ date: "2026-02-09", count: 1 });
    expect(days[27]).toEqual({ date: "2026-03-08", count: 4 });
    expect(days[29]).toEqual({ date: "2026-03-10", count: 5 + 2 + 1 + 4 });
    for (let i = 1; i < 30; i++) {
      expect(Date.parse(days[i].date) - Date.parse(days[i - 1].date)).toBe(DAY);
      if (![0, 27, 29].includes(i)) expect(days[i].count).toBe(0);
    }
  });

  it("moves keys between states as time passes", async () => {
    const later = await getKeyStats(rt.database.db, userOwner(user), new Date(at(3)));
    // D and H expire at exactly that moment; E still has 27 days.
    expect(later).toMatchObject({ total: 8, active: 3, inactive: 1, expired: 4, expiringSoon: 0 });
    const e = await getKeyStats(rt.database.db, userOwner(user), new Date(at(24)));
    expect(e.expiringSoon).toBe(1); // E, 6 days before it expires
  });

  it("answers zeros for an owner without keys", async () => {
    const empty = await getKeyStats(rt.database.db, userOwner("nobody"), new Date(TODAY));
    expect(empty).toMatchObject({ total: 0, active: 0, inactive: 0, expired: 0, expiringSoon: 0, totalUsage: 0, byService: {} });
    expect(empty.usageByDay).toHaveLength(30);
    expect(empty.usageByDay.every((d) => d.count === 0)).toBe(true);
    expect(empty.usageByDay[29].date).toBe("2026-03-10");
  });
});
