/**
 * One flush writes any number of keys in two statements per chunk (counters, daily rows), on
 * SQLite and PostgreSQL: exact counts across chunk boundaries, the later lastUsedAt kept, and
 * owner ids that need quoting (JSON text on SQLite, array literals on PostgreSQL) come back as
 * they went in.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kysely, KyselyPlugin } from "kysely";
import type { Runtime } from "../../src/app/compose.js";
import type { Database } from "../../src/db/schema.js";
import { writeUsageBatch, type KeyUseCounts } from "../../src/usage/usage-write.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { keys, storedUsage, userOwner } from "../provider/fixtures.js";
import { actorFor } from "../support/actors.js";

const SERVICES = ["openai", "anthropic", "groq"] as const;

describeEachDatabase("the usage write", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  const created: { id: string; ownerId: string; service: string }[] = [];

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    // Owner ids with quotes, commas, braces, backslashes and non-ASCII: each needs escaping somewhere.
    const owners = ['plain', 'with "quotes"', "a,b", "{braced}", "back\\slash", "naïve 😀", "NULL"].map((s, i) => `user ${i} ${s}`);
    for (const ownerId of owners) {
      for (const service of SERVICES) {
        const key = await rt.keys.create(actorFor(userOwner(ownerId)), userOwner(ownerId), { name: "k", service, value: keys[service]() });
        created.push({ id: key.id, ownerId, service });
      }
    }
  });
  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  function batchOf(n: (i: number) => number, lastUsedMs: number, days: string[]): Map<string, KeyUseCounts> {
    return new Map(
      created.map((k, i) => [
        k.id,
        { ownerType: "user", ownerId: k.ownerId, service: k.service, count: n(i) * days.length, lastUsedMs, byDay: new Map(days.map((d) => [d, n(i)])) },
      ]),
    );
  }

  it("writes every key in two statements per chunk, exactly, across chunk boundaries and days", async () => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => (statements++, args.result),
    };
    const db: Kysely<Database> = rt.database.db.withPlugin(counter);
    const t1 = Date.parse("2026-03-01T10:00:00.000Z");
    await writeUsageBatch(db, batchOf((i) => i + 1, t1, ["2026-03-01", "2026-03-02"]), { chunk: 8 });
    // 21 keys in chunks of 8: three chunks, two statements each.
    expect(statements).toBe(6);
    statements = 0;
    await writeUsageBatch(db, batchOf(() => 1, t1 - 60_000, ["2026-03-02"]));
    expect(statements).toBe(2);

    const ids = new Set<string>();
    for (const [i, k] of created.entries()) {
      const stored = await storedUsage(rt.database.db, k.id);
      expect(stored.usageCount).toBe(2 * (i + 1) + 1);
      expect(stored.dailyTotal).toBe(2 * (i + 1) + 1);
      // The earlier use written later does not move lastUsedAt back.
      expect(stored.lastUsedAt).toBe(new Date(t1).toISOString());
      ids.add(k.ownerId);
    }
    const daily = await rt.database.db.selectFrom("usage_daily").select(["owner_id", "key_id", "day", "count"]).execute();
    expect(daily).toHaveLength(created.length * 2);
    expect(new Set(daily.map((r) => r.owner_id))).toEqual(ids);
  });

  it("an empty batch writes nothing and does not fail", async () => {
    await expect(writeUsageBatch(rt.database.db, new Map())).resolves.toBeUndefined();
  });
});
