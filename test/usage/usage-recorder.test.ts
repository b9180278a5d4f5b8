/**
 * Usage counting through the real provider and the real databases: exact counts after
 * batching, across interval flushes, after a failed flush, and nothing for keys not handed out.
 */
import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createLogger } from "../../src/platform/logger.js";
import { createApiKeyProvider } from "../../src/provider/index.js";
import { createUsageRecorder } from "../../src/usage/usage-recorder.js";
import type { Runtime } from "../../src/app/compose.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { DAY, HOUR, keys, manualClock, newUserId, providerOf, storedUsage, userOwner } from "../provider/fixtures.js";
import { actorFor } from "../support/actors.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** Runs `total` calls of `fn`, `batch` at a time concurrently. */
async function inBatches(total: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < total; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, total - start) }, (_, j) => fn(start + j)));
  }
}

describeEachDatabase("usage counting", (dialect) => {
  let db: TestDatabase;
  beforeEach(() => {
    db = createTestDatabase(dialect);
  });
  afterEach(() => db.drop());

  it("10,000 concurrent hand-outs then close() record exactly 10,000 uses", async () => {
    const rt = await db.runtime();
    const user = newUserId();
    const value = keys.openai();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value });
    const provider = providerOf(rt);

    let wrong = 0;
    await inBatches(10_000, 250, async () => {
      if ((await provider.getOpenAIApiKey(user)) !== value) wrong++;
    });
    expect(wrong).toBe(0);
    await rt.close();

    const reopened = await db.runtime();
    const usage = await storedUsage(reopened.database.db, key.id);
    expect(usage.usageCount).toBe(10_000);
    expect(usage.dailyTotal).toBe(10_000);
    expect(usage.days).toHaveLength(1);
    expect(usage.days[0]).toMatchObject({ owner_type: "user", owner_id: user, service: "openai", count: 10_000 });
    expect(usage.lastUsedAt).not.toBeNull();
    expect((await reopened.keys.get(actorFor(userOwner(user)), userOwner(user), key.id)).usageCount).toBe(10_000);
  });

  it("counts every call that hands a key out, across keys, users and services", async () => {
    const rt = await db.runtime({ KEYHAVEN_USAGE_FLUSH_MS: "10" });
    const alice = newUserId();
    const bob = newUserId();
    const a = await rt.keys.create(actorFor(userOwner(alice)), userOwner(alice), { name: "o", service: "openai", value: keys.openai() });
    const b = await rt.keys.create(actorFor(userOwner(alice)), userOwner(alice), { name: "a", service: "anthropic", value: keys.anthropic() });
    const c = await rt.keys.create(actorFor(userOwner(bob)), userOwner(bob), { name: "o", service: "openai", value: keys.openai() });
    const w = await rt.keys.create(actorFor(userOwner(bob)), userOwner(bob), { name: "w", service: "aws", value: keys.aws() });
    const provider = providerOf(rt);

    await inBatches(3000, 100, async (i) => {
      if (i % 3 === 0) await provider.getApiKeys(alice, ["openai", "anthropic"]); // 1 use each
      else if (i % 3 === 1) await provider.getServiceConfig(bob, "openai");
      else await provider.getAWSCredentials(bob);
    });
    // Checking is not handing out.
    await provider.validateRequiredKeys(alice, ["openai", "anthropic"]);
    await rt.close();

    const reopened = (await db.runtime()).database.db;
    for (const [id, n] of [
      [a.id, 1000],
      [b.id, 1000],
      [c.id, 1000],
      [w.id, 1000],
    ] as const) {
      const usage = await storedUsage(reopened, id);
      expect(usage.usageCount, id).toBe(n);
      expect(usage.dailyTotal, id).toBe(n);
    }
  });

  it("keeps exact counts over several interval flushes", async () => {
    const rt = await db.runtime({ KEYHAVEN_USAGE_FLUSH_MS: "20" });
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "groq", value: keys.groq() });
    const provider = providerOf(rt);

    let total = 0;
    for (let round = 1; round <= 4; round++) {
      await inBatches(round * 100, 50, () => provider.getGroqApiKey(user));
      total += round * 100;
      // Written by the timer alone: no flush() call.
      await until(async () => rt.usage.pendingUses() === 0 && (await storedUsage(rt.database.db, key.id)).usageCount === total);
      const usage = await storedUsage(rt.database.db, key.id);
      expect(usage.dailyTotal).toBe(total);
    }
    await inBatches(77, 77, () => provider.getGroqApiKey(user));
    await rt.close();
    const usage = await storedUsage((await db.runtime()).database.db, key.id);
    expect(usage.usageCount).toBe(total + 77);
    expect(usage.dailyTotal).toBe(total + 77);
  });

  it("splits uses by UTC day and keeps the latest lastUsedAt", async () => {
    const clock = manualClock("2026-02-28T23:59:59.000Z");
    const rt = await db.runtime({}, { now: clock.now });
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "xai", value: keys.xai() });
    const provider = providerOf(rt);

    await inBatches(3, 3, () => provider.getXAIApiKey(user));
    clock.advance(2000); // 2026-03-01T00:00:01Z
    await inBatches(5, 5, () => provider.getXAIApiKey(user));
    await rt.usage.flush();
    clock.advance(DAY);
    await provider.getXAIApiKey(user);
    await rt.usage.flush();

    const usage = await storedUsage(rt.database.db, key.id);
    expect(usage.days.map((d) => [d.day, d.count])).toEqual([
      ["2026-02-28", 3],
      ["2026-03-01", 5],
      ["2026-03-02", 1],
    ]);
    expect(usage.usageCount).toBe(9);
    expect(usage.lastUsedAt).toBe("2026-03-02T00:00:01.000Z");
  });

  it("never moves lastUsedAt back when another instance wrote a later use", async () => {
    const clock = manualClock("2026-04-01T12:00:00.000Z");
    const rt = await db.runtime({}, { now: clock.now });
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value: keys.openai() });
    await rt.database.db.updateTable("api_keys").set({ last_used_at: "2026-04-01T13:00:00.000Z" }).where("id", "=", key.id).execute();
    await providerOf(rt).getOpenAIApiKey(user);
    await rt.usage.flush();
    expect((await storedUsage(rt.database.db, key.id)).lastUsedAt).toBe("2026-04-01T13:00:00.000Z");
  });

  it("a failed flush loses nothing, writes nothing half-way, and is retried", async () => {
    const rt = await db.runtime();
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const usage = createUsageRecorder({ db: rt.database.db, logger, intervalMs: 0 });
    const provider = createApiKeyProvider({ keys: rt.keys, usage, config: rt.config });
    const user = newUserId();
    const value = keys.anthropic();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "anthropic", value });

    await inBatches(120, 40, () => provider.getAnthropicApiKey(user));
    // Break the write half-way: api_keys can be updated, usage_daily is gone.
    await sql`alter table usage_daily rename to usage_daily_away`.execute(rt.database.db);
    await expect(usage.flush()).rejects.toThrow();
    expect(usage.pendingUses()).toBe(120);
    await inBatches(30, 30, () => provider.getAnthropicApiKey(user));
    expect(usage.pendingUses()).toBe(150);
    // The transaction rolled back: the counter did not move without its daily row.
    const counter = await rt.database.db.selectFrom("api_keys").select("usage_count").where("id", "=", key.id).executeTakeFirstOrThrow();
    expect(Number(counter.usage_count)).toBe(0);

    await sql`alter table usage_daily_away rename to usage_daily`.execute(rt.database.db);
    await usage.close();
    expect(usage.pendingUses()).toBe(0);
    const stored = await storedUsage(rt.database.db, key.id);
    expect(stored.usageCount).toBe(150);
    expect(stored.dailyTotal).toBe(150);

    const failure = lines.map((l) => JSON.parse(l)).find((l) => /usage flush failed/.test(l.msg));
    expect(failure).toMatchObject({ level: 50, pendingUses: 120 });
    expect(lines.join("\n")).not.toContain(value);
  });

  it("a failing interval flush is retried by the next tick", async () => {
    const rt = await db.runtime();
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const usage = createUsageRecorder({ db: rt.database.db, logger, intervalMs: 15 });
    const provider = createApiKeyProvider({ keys: rt.keys, usage, config: rt.config });
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value: keys.openai() });

    await sql`alter table usage_daily rename to usage_daily_away`.execute(rt.database.db);
    const failures = () => lines.filter((l) => /usage flush failed/.test(l)).map((l) => JSON.parse(l) as { pendingUses: number });
    await inBatches(50, 50, () => provider.getOpenAIApiKey(user));
    // Ticks may fail while the uses are still being handed out; count the ones after.
    const before = failures().length;
    await until(() => failures().length >= before + 3); // several failing ticks
    // Each later failed tick still held all 50 uses (pendingUses() itself reads 0 while a flush holds them).
    expect(failures().slice(before).filter((f) => f.pendingUses !== 50)).toEqual([]);
    await sql`alter table usage_daily_away rename to usage_daily`.execute(rt.database.db);
    await until(() => usage.pendingUses() === 0);
    // pendingUses() is 0 as soon as a flush takes the buffer; wait for that write to commit.
    await usage.flush();
    expect((await storedUsage(rt.database.db, key.id)).usageCount).toBe(50);
    await usage.close();
  });

  it("concurrent flushes never count a use twice", async () => {
    const rt = await db.runtime();
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value: keys.openai() });
    const provider = providerOf(rt);
    const flushes: Promise<void>[] = [];
    await inBatches(2000, 100, async (i) => {
      await provider.getOpenAIApiKey(user);
      if (i % 50 === 0) flushes.push(rt.usage.flush());
    });
    flushes.push(rt.usage.flush(), rt.usage.flush(), rt.usage.flush());
    await Promise.all(flushes);
    const usage = await storedUsage(rt.database.db, key.id);
    expect(usage.usageCount).toBe(2000);
    expect(usage.dailyTotal).toBe(2000);
  });

  it("counts nothing for inactive or expired keys, nor for environment values", async () => {
    const clock = manualClock("2026-06-01T00:00:00.000Z");
    const rt: Runtime = await db.runtime({ GROQ_API_KEY: "gsk_from_the_environment" }, { now: clock.now });
    const user = newUserId();
    const owner = userOwner(user);
    const off = await rt.keys.create(actorFor(owner), owner, { name: "off", service: "openai", value: keys.openai(), isActive: false });
    const expiring = await rt.keys.create(actorFor(owner), owner, {
      name: "exp",
      service: "anthropic",
      value: keys.anthropic(),
      expiresAt: new Date(clock.now().getTime() + HOUR).toISOString(),
    });
    const provider = providerOf(rt);
    clock.advance(2 * HOUR);

    expect(await provider.getOpenAIApiKey(user)).toBeUndefined();
    expect(await provider.getServiceConfig(user, "openai")).toBeUndefined();
    expect(await provider.getAnthropicApiKey(user)).toBeUndefined();
    expect(await provider.getGroqApiKey(user)).toBe("gsk_from_the_environment");
    expect(rt.usage.pendingUses()).toBe(0);
    await rt.close();

    const reopened = (await db.runtime()).database.db;
    for (const id of [off.id, expiring.id]) {
      const usage = await storedUsage(reopened, id);
      expect(usage.usageCount).toBe(0);
      expect(usage.lastUsedAt).toBeNull();
      expect(usage.days).toEqual([]);
    }
    const rows = await reopened.selectFrom("usage_daily").select("key_id").execute();
    expect(rows).toEqual([]);
  });

  it("close() is idempotent and ignores uses recorded after it", async () => {
    const rt = await db.runtime();
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value: keys.openai() });
    await providerOf(rt).getOpenAIApiKey(user);
    await Promise.all([rt.usage.close(), rt.usage.close()]);
    rt.usage.record({ keyId: key.id, owner: userOwner(user), service: "openai" });
    expect(rt.usage.pendingUses()).toBe(0);
    await rt.close();
    expect((await storedUsage((await db.runtime()).database.db, key.id)).usageCount).toBe(1);
  });
});
