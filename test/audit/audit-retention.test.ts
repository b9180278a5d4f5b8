/**
 * Retention on both databases: events older than the cutoff go, a prefix of the chain at a time,
 * with a checkpoint the chain itself vouches for (an `audit.prune` event) — so the rest still
 * verifies from there. Then the ways someone might abuse pruning to hide things: delete one
 * more old row by hand, edit the checkpoint, forge a newer checkpoint, drop the checkpoint —
 * each must fail verification, naming where.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { composeServer, type Runtime } from "../../src/app/compose.js";
import { appendAuditEvents, verifyAuditChain } from "../../src/audit/audit-store.js";
import { GENESIS_HASH } from "../../src/audit/audit-chain.js";
import { pruneAuditLog, startAuditRetention } from "../../src/audit/audit-retention.js";
import { createLogger } from "../../src/platform/logger.js";
import { loadConfig } from "../../src/platform/config.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";

const DAY = 86_400_000;
const NOW = new Date("2026-06-01T12:00:00.000Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

describeEachDatabase("audit retention", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
  });
  afterAll(() => tdb.drop());
  const db = () => rt.database.db;

  /** `count` events written `age` days before NOW. */
  async function writeAged(age: number, count: number) {
    await db()
      .transaction()
      .execute((trx) =>
        appendAuditEvents(
          trx,
          Array.from({ length: count }, (_, i) => ({
            action: "key.reveal" as const,
            actor: { type: "user" as const, id: "u1", label: "Ada" },
            target: { type: "key", id: `key_${age}_${i}`, label: "My OpenAI Key" },
            userId: "u1",
          })),
          daysAgo(age).toISOString(),
        ),
      );
  }
  const prune = (days = 365, batchSize?: number) => pruneAuditLog(db(), { before: daysAgo(days), at: () => NOW, retentionDays: days, batchSize });

  beforeEach(async () => {
    await db().deleteFrom("audit_events").execute();
    await db().deleteFrom("audit_checkpoints").execute();
    await db().updateTable("audit_head").set({ seq: 0, hash: GENESIS_HASH }).where("id", "=", 1).execute();
    await writeAged(500, 7); // #1–#7: past retention
    await writeAged(400, 5); // #8–#12: past retention
    await writeAged(30, 6); // #13–#18: kept
  });

  it("prunes the old prefix in batches, records a vouched checkpoint, and the rest verifies from it", async () => {
    const result = await prune(365, 5);
    expect(result).toEqual({ pruned: 12, checkpoint: { seq: 12, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const seqs = (await db().selectFrom("audit_events").select("seq").orderBy("seq").execute()).map((r) => Number(r.seq));
    // 6 kept, then one audit.prune event per batch (5 + 5 + 2 → 3 batches).
    expect(seqs).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21]);
    const pruneEvents = await db().selectFrom("audit_events").selectAll().where("action", "=", "audit.prune").orderBy("seq").execute();
    expect(pruneEvents.map((e) => JSON.parse(e.details))).toEqual([
      expect.objectContaining({ count: 5, throughSeq: 5 }),
      expect.objectContaining({ count: 5, throughSeq: 10 }),
      expect.objectContaining({ count: 2, throughSeq: 12, retentionDays: 365, before: daysAgo(365).toISOString() }),
    ]);
    expect(pruneEvents.every((e) => e.actor_type === "system" && e.user_id === null)).toBe(true);
    expect(await verifyAuditChain(db())).toEqual({ ok: true, checked: 9, from: 12 });
  });

  it("is idempotent: a second run (another instance) prunes nothing and writes nothing", async () => {
    await prune();
    const head = await db().selectFrom("audit_head").selectAll().executeTakeFirstOrThrow();
    expect(await prune()).toEqual({ pruned: 0, checkpoint: null });
    expect(await db().selectFrom("audit_head").selectAll().executeTakeFirstOrThrow()).toEqual(head);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, from: 12 });
  });

  it("two pruners at once leave one checkpoint and one valid chain", async () => {
    const other = dialect === "postgres" ? await tdb.runtime() : rt;
    const results = await Promise.all([prune(), pruneAuditLog(other.database.db, { before: daysAgo(365), at: () => NOW, retentionDays: 365 })]);
    expect(results.map((r) => r.pruned).sort()).toEqual([0, 12]);
    expect(await db().selectFrom("audit_checkpoints").selectAll().execute()).toHaveLength(1);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, from: 12 });
  });

  it("stops at the first event newer than the cutoff, even if older ones follow it", async () => {
    await writeAged(600, 1); // #19: old by its time, but after newer events: kept, the chain stays a prefix
    await prune();
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, from: 12 });
    expect(await db().selectFrom("audit_events").select("seq").where("seq", "=", 19).executeTakeFirst()).toBeTruthy();
  });

  it("an old row deleted by hand after pruning fails, naming it", async () => {
    await prune();
    await db().deleteFrom("audit_events").where("seq", "=", 13).execute();
    const v = await verifyAuditChain(db());
    expect(v).toMatchObject({ ok: false, from: 12, checked: 0, first: { seq: 13, id: null } });
    if (!v.ok) expect(v.first.reason).toBe("event #13 is missing (the next stored is #14); the newest checkpoint is at #12");
  });

  it("an edited checkpoint hash fails at the first event after it", async () => {
    await prune();
    await db().updateTable("audit_checkpoints").set({ hash: "f".repeat(64) }).execute();
    const v = await verifyAuditChain(db());
    expect(v).toMatchObject({ ok: false, from: 12, first: { seq: 13 } });
    if (!v.ok) expect(v.first.reason).toContain("does not follow the checkpoint at #12");
  });

  it("a checkpoint moved forward over hand-deleted rows (hash and all) fails: no prune event vouches for it", async () => {
    await prune();
    const fifteen = await db().selectFrom("audit_events").selectAll().where("seq", "=", 15).executeTakeFirstOrThrow();
    await db().deleteFrom("audit_events").where("seq", "<=", 15).execute();
    await db().insertInto("audit_checkpoints").values({ seq: 15, hash: fifteen.hash, pruned_at: NOW.toISOString() }).execute();
    const v = await verifyAuditChain(db());
    expect(v).toMatchObject({ ok: false, from: 15, first: { seq: 15 } });
    if (!v.ok) expect(v.first.reason).toBe("the checkpoint at #15 was not recorded by any audit.prune event in the chain (forged or edited)");
  });

  it("old rows deleted by hand without any checkpoint fail at #1", async () => {
    await db().deleteFrom("audit_events").where("seq", "<=", 3).execute();
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, from: 0, first: { seq: 1 } });
  });

  it("the server's pruner runs at start on its clock and stops cleanly; 'forever' never prunes", async () => {
    const logger = createLogger("silent");
    const keepAll = startAuditRetention({ db: db(), retentionDays: null, now: () => NOW, logger });
    expect(await keepAll.started).toBeNull();
    await keepAll.stop();
    expect(await db().selectFrom("audit_events").select("seq").execute()).toHaveLength(18);

    const pruner = startAuditRetention({ db: db(), retentionDays: 365, now: () => NOW, logger, intervalMs: 60_000 });
    expect(await pruner.started).toMatchObject({ pruned: 12 });
    await pruner.stop();
    expect(await db().selectFrom("audit_checkpoints").select("seq").execute()).toEqual([{ seq: expect.anything() }]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, from: 12 });
  });

  it("a composed server prunes at start on KEYHAVEN_AUDIT_RETENTION_DAYS, and closing waits for it", async () => {
    const server = await tdb.runtime({ KEYHAVEN_AUDIT_RETENTION_DAYS: "1" }); // every event here is older than a day
    await composeServer(server);
    await expect
      .poll(async () => (await db().selectFrom("audit_checkpoints").select("seq").executeTakeFirst())?.seq, { timeout: 10_000 })
      .toBeDefined();
    await server.close();
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, from: 18, checked: 1 });
  });
});

it("KEYHAVEN_AUDIT_RETENTION_DAYS: 365 by default, a number of days, or forever; 0 and junk refused", () => {
  const load = (v?: string) => loadConfig({ NODE_ENV: "test", KEYHAVEN_AUDIT_RETENTION_DAYS: v }, "/tmp").auditRetentionDays;
  expect(load()).toBe(365);
  expect(load("30")).toBe(30);
  expect(load("Forever")).toBeNull();
  for (const bad of ["0", "-1", "1.5", "a year"]) expect(() => load(bad)).toThrow(/KEYHAVEN_AUDIT_RETENTION_DAYS must be .* or "forever"/);
});
