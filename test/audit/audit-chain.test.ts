/**
 * The audit chain on both databases, Vault-barrier style: write events, then tamper with the
 * stored rows every way a person with database access might — edit any column, delete a row,
 * cut the tail, insert a forged row, swap two rows — and verification must name the first
 * event that no longer holds. Concurrent appenders (two runtimes, two connection pools) keep
 * one gap-free chain.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { Runtime } from "../../src/app/compose.js";
import { appendAuditEvents, verifyAuditChain } from "../../src/audit/audit-store.js";
import { eventHash, GENESIS_HASH } from "../../src/audit/audit-chain.js";
import type { AuditEventInput } from "../../src/audit/audit-types.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";

const event = (n: number): AuditEventInput => ({
  action: n % 2 ? "key.update" : "key.reveal",
  actor: { type: "user", id: `user_${n % 3}`, label: `Ada ${n % 3}` },
  target: { type: "key", id: `key_${n}`, label: `Key "${n}"\nwith a newline` },
  userId: `user_${n % 3}`,
  ip: "203.0.113.4",
  userAgent: "curl/8.5",
  details: { n, fields: ["name"] },
});

const CHAINED_COLUMNS = [
  "id", "at", "action", "actor_type", "actor_id", "actor_label", "target_type", "target_id", "target_label",
  "user_id", "team_id", "ip", "user_agent", "details", "prev_hash", "hash",
] as const;

describeEachDatabase("audit chain", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
  });
  afterAll(() => tdb.drop());

  const db = () => rt.database.db;
  async function append(from: number, count: number) {
    await db().transaction().execute((trx) => appendAuditEvents(trx, Array.from({ length: count }, (_, i) => event(from + i)), new Date().toISOString()));
  }
  const verdict = () => verifyAuditChain(db(), undefined, 7); // small pages: the walk crosses page ends

  beforeEach(async () => {
    await db().deleteFrom("audit_events").execute();
    await db().deleteFrom("audit_checkpoints").execute();
    await db().updateTable("audit_head").set({ seq: 0, hash: GENESIS_HASH }).where("id", "=", 1).execute();
    for (let i = 0; i < 4; i++) await append(i * 5 + 1, 5); // 20 events in 4 transactions
  });

  it("one append of thousands of events (a usage flush's key.use events) fits the databases' parameter limits", async () => {
    // 4,500 rows × 17 columns in one INSERT is over SQLite's 32,766 bound parameters.
    await append(21, 4_500);
    expect(await verifyAuditChain(db())).toEqual({ ok: true, checked: 4_520, from: 0 });
  });

  it("an untouched chain verifies, every event counted", async () => {
    expect(await verdict()).toEqual({ ok: true, checked: 20, from: 0 });
    const rows = await db().selectFrom("audit_events").selectAll().orderBy("seq").execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
  });

  for (const column of CHAINED_COLUMNS) {
    it(`an edit of ${column} in event #9 is caught at #9 (or the next one, for its hash)`, async () => {
      const row = await db().selectFrom("audit_events").selectAll().where("seq", "=", 9).executeTakeFirstOrThrow();
      const current = row[column] ?? "";
      const changed = column === "details" ? JSON.stringify({ n: 9, fields: ["value"] }) : column.endsWith("hash") ? "f".repeat(64) : `${current}x`;
      await db().updateTable("audit_events").set({ [column]: changed }).where("seq", "=", 9).execute();
      const v = await verdict();
      expect(v.ok).toBe(false);
      if (v.ok) return;
      // A forged hash passes nothing: its own check fails at #9; a forged prev_hash fails the link at #9.
      expect(v.first.seq).toBe(9);
      expect(v.checked).toBe(8);
    });
  }

  it("a deleted event leaves a gap that is named", async () => {
    await db().deleteFrom("audit_events").where("seq", "=", 12).execute();
    const v = await verdict();
    expect(v).toMatchObject({ ok: false, checked: 11, first: { seq: 12, id: null } });
    if (!v.ok) expect(v.first.reason).toBe("event #12 is missing (the next stored is #13)");
  });

  it("events cut from the end disagree with the head", async () => {
    await db().deleteFrom("audit_events").where("seq", ">", 17).execute();
    const v = await verdict();
    expect(v).toMatchObject({ ok: false, checked: 17, first: { seq: 18 } });
  });

  it("a forged event appended without the head is caught; one chained by hand but with a renumbered tail too", async () => {
    const last = await db().selectFrom("audit_events").selectAll().where("seq", "=", 20).executeTakeFirstOrThrow();
    const forged = { ...last, seq: 21, id: "evt_forged", prev_hash: last.hash, action: "key.delete" };
    forged.hash = eventHash({ ...forged, seq: 21 });
    await db().insertInto("audit_events").values(forged).execute();
    expect(await verdict()).toMatchObject({ ok: false, checked: 21, first: { seq: 22 } });
  });

  it("an event inserted in the middle (the rest renumbered) breaks the link after it", async () => {
    // Make room at #10 by moving #10..#20 up by one, as someone inserting a row would.
    await sql`update audit_events set seq = seq + 1000 where seq >= 10`.execute(db());
    await sql`update audit_events set seq = seq - 999 where seq >= 1000`.execute(db());
    const nine = await db().selectFrom("audit_events").selectAll().where("seq", "=", 9).executeTakeFirstOrThrow();
    const forged = { ...nine, seq: 10, id: "evt_inserted", prev_hash: nine.hash, action: "key.create" };
    forged.hash = eventHash({ ...forged, seq: 10 });
    await db().insertInto("audit_events").values(forged).execute();
    await db().updateTable("audit_head").set((eb) => ({ seq: eb("seq", "+", 1) })).where("id", "=", 1).execute();
    const v = await verdict();
    expect(v).toMatchObject({ ok: false, first: { seq: 11 } });
  });

  it("two events swapped (contents exchanged, numbers kept) are caught at the first", async () => {
    const [a, b] = await db().selectFrom("audit_events").selectAll().where("seq", "in", [5, 6]).orderBy("seq").execute();
    const { seq: _sa, ...restA } = a;
    const { seq: _sb, ...restB } = b;
    await db().updateTable("audit_events").set({ ...restB, id: "evt_tmp" }).where("seq", "=", 5).execute();
    await db().updateTable("audit_events").set(restA).where("seq", "=", 6).execute();
    await db().updateTable("audit_events").set({ id: restB.id }).where("seq", "=", 5).execute();
    expect(await verdict()).toMatchObject({ ok: false, first: { seq: 5 } });
  });

  it("a rolled-back change writes no event and leaves no gap", async () => {
    await expect(
      db().transaction().execute(async (trx) => {
        await appendAuditEvents(trx, [event(100)], new Date().toISOString());
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await append(101, 1);
    expect(await verdict()).toEqual({ ok: true, checked: 21, from: 0 });
  });

  // PostgreSQL only in-process: SQLite's driver waits for a lock synchronously, so two
  // connections in ONE process would block the very event loop that holds the lock. Across
  // processes (how instances share a SQLite file) each waits in its own; that is tested with servers.
  describe.skipIf(dialect === "sqlite")("concurrent appenders", () => {
    it("two runtimes (two pools) appending at once keep one gap-free chain", async () => {
      const other = await tdb.runtime();
      const writers = [rt, other].map(async (r, w) => {
        for (let i = 0; i < 25; i++) {
          await r.database.db.transaction().execute((trx) => appendAuditEvents(trx, [event(1000 * (w + 1) + i), event(1000 * (w + 1) + i + 500)], new Date().toISOString()));
        }
      });
      await Promise.all(writers);
      expect(await verdict()).toEqual({ ok: true, checked: 120, from: 0 });
    });
  });
});
