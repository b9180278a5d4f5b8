/**
 * prepareQuery: a Kysely query compiled once with `param()` placeholders. On SQLite with the
 * read-only reader and `cacheSize`, answers are reused only while `PRAGMA data_version` is
 * unchanged — so a commit by anyone (this process's Kysely connection, or another connection
 * on the same file, standing for another process) is seen by the very next call. Without a
 * reader (PostgreSQL) or inside a transaction, it runs through Kysely.
 */
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely, Transaction } from "kysely";
import { param, prepareQuery } from "../../src/db/prepared-query.js";
import type { Database } from "../../src/db/schema.js";
import { createKeyStore } from "../../src/keys/key-store.js";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Runtime } from "../../src/app/compose.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { keys, newUserId, userOwner } from "../provider/fixtures.js";
import { actorFor } from "../support/actors.js";

interface Row {
  id: string;
  name: string;
  is_active: number;
}

/** The owner's keys by name: the shape of the key store's list query. */
function ownerKeys(db: Kysely<Database> | Transaction<Database>) {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "is_active"])
    .where("owner_type", "=", param("ownerType"))
    .where("owner_id", "=", param("ownerId"))
    .orderBy("name")
    .orderBy("id");
}

/** Only active keys: a constant (1) among the placeholders, which must stay where it is. */
function activeOwnerKeys(db: Kysely<Database> | Transaction<Database>) {
  return ownerKeys(db).where("is_active", "=", 1);
}

/** What a plain Kysely query answers now: the reference every prepared answer must equal. */
async function truth(db: Kysely<Database>, owner: OwnerRef): Promise<Row[]> {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "is_active"])
    .where("owner_type", "=", owner.type)
    .where("owner_id", "=", owner.id)
    .orderBy("name")
    .orderBy("id")
    .execute();
}

const values = (owner: OwnerRef) => ({ ownerType: owner.type, ownerId: owner.id });

async function seed(rt: Runtime, owner: OwnerRef, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) ids.push((await rt.keys.create(actorFor(owner), owner, { name, service: "openai", value: keys.openai() })).id);
  return ids;
}

describe("prepareQuery on SQLite with the read-only reader and a cache", () => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let db: Kysely<Database>;
  let file: string;
  const others: SQLite.Database[] = [];

  /** Another connection on the same file, as another process (a library user) would open it. */
  function otherConnection(): SQLite.Database {
    const conn = new SQLite(file);
    conn.pragma("busy_timeout = 5000");
    others.push(conn);
    return conn;
  }

  beforeAll(async () => {
    tdb = createTestDatabase("sqlite");
    rt = await tdb.runtime();
    db = rt.database.db;
    file = rt.database.location;
    expect(rt.database.reader).toBeDefined();
  });
  afterAll(async () => {
    for (const conn of others) conn.close();
    await tdb?.drop();
  });

  it("keeps SQL and placeholders: the compiled SQL is Kysely's, constants stay in place", async () => {
    const owner = userOwner(newUserId());
    const [a, b] = await seed(rt, owner, ["a", "b"]);
    await rt.keys.update(actorFor(owner), owner, b, { isActive: false });
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, activeOwnerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    expect(q.sql).toBe(activeOwnerKeys(db).compile().sql);
    expect((await q.all(values(owner))).map((r) => r.id)).toEqual([a]);
  });

  it("a repeated call returns the same frozen array (and the same frozen rows)", async () => {
    const owner = userOwner(newUserId());
    await seed(rt, owner, ["first", "second"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });

    const r1 = await q.all(values(owner));
    expect(r1).toEqual(await truth(db, owner));
    expect(r1.map((r) => r.name)).toEqual(["first", "second"]);
    const r2 = await q.all(values(owner));
    expect(r2).toBe(r1);
    expect(await q.first(values(owner))).toBe(r1[0]);

    expect(Object.isFrozen(r1)).toBe(true);
    expect(r1.every((r) => Object.isFrozen(r))).toBe(true);
    // ESM is strict mode: writing to a frozen answer throws instead of corrupting the cache.
    expect(() => (r1).push({ id: "x", name: "x", is_active: 1 })).toThrow(TypeError);
    expect(() => {
      (r1[0]).name = "changed by a caller";
    }).toThrow(TypeError);
    expect((await q.all(values(owner)))[0].name).toBe("first");
  });

  it("after a write through the runtime's Kysely connection, the next call answers the new rows", async () => {
    const owner = userOwner(newUserId());
    const [a, b] = await seed(rt, owner, ["alpha", "beta"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    const before = await q.all(values(owner));

    await rt.keys.update(actorFor(owner), owner, a, { name: "gamma" });
    const afterService = await q.all(values(owner));
    expect(afterService).not.toBe(before);
    expect(afterService.map((r) => r.name)).toEqual(["beta", "gamma"]);
    expect(afterService).toEqual(await truth(db, owner));
    // Nothing changed since: cached again.
    expect(await q.all(values(owner))).toBe(afterService);

    await db.updateTable("api_keys").set({ is_active: 0 }).where("id", "=", b).execute();
    const afterRaw = await q.all(values(owner));
    expect(afterRaw.find((r) => r.id === b)?.is_active).toBe(0);
    expect(afterRaw).toEqual(await truth(db, owner));

    await rt.keys.remove(actorFor(owner), owner, a);
    expect((await q.all(values(owner))).map((r) => r.id)).toEqual([b]);
  });

  it("after a write by a separate connection on the same file (another process), the next call answers the new rows", async () => {
    const owner = userOwner(newUserId());
    const [a, b] = await seed(rt, owner, ["one", "two"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    const before = await q.all(values(owner));
    expect(await q.all(values(owner))).toBe(before);

    const other = otherConnection();
    expect(other.prepare("update api_keys set name = ? where id = ?").run("zero", a).changes).toBe(1);
    const renamed = await q.all(values(owner));
    expect(renamed).not.toBe(before);
    expect(renamed.map((r) => [r.id, r.name])).toEqual([
      [b, "two"],
      [a, "zero"],
    ]);

    expect(other.prepare("delete from api_keys where id = ?").run(b).changes).toBe(1);
    expect((await q.all(values(owner))).map((r) => r.id)).toEqual([a]);
    expect(await q.all(values(owner))).toEqual(await truth(db, owner));
  });

  it("the reader's data version moves with every commit, by this process or another, and not with reads", async () => {
    const reader = rt.database.reader!;
    const owner = userOwner(newUserId());
    const [id] = await seed(rt, owner, ["versioned"]);

    const v0 = reader.dataVersion();
    await truth(db, owner);
    reader.all("select id from api_keys", []);
    expect(reader.dataVersion()).toBe(v0);

    await db.updateTable("api_keys").set({ description: "kysely" }).where("id", "=", id).execute();
    const v1 = reader.dataVersion();
    expect(v1).not.toBe(v0);

    otherConnection().prepare("update api_keys set description = 'other' where id = ?").run(id);
    const v2 = reader.dataVersion();
    expect(v2).not.toBe(v1);
    expect(reader.dataVersion()).toBe(v2);
  });

  it("is bounded: cacheSize 2 with three owners still answers each owner's own rows", async () => {
    const [o1, o2, o3] = [userOwner(newUserId()), userOwner(newUserId()), userOwner(newUserId())];
    await seed(rt, o1, ["o1-a", "o1-b"]);
    await seed(rt, o2, ["o2-a"]);
    await seed(rt, o3, ["o3-a", "o3-b", "o3-c"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 2 });

    const first1 = await q.all(values(o1));
    const first2 = await q.all(values(o2));
    const first3 = await q.all(values(o3));
    for (let round = 0; round < 3; round++) {
      for (const [owner, names] of [
        [o1, ["o1-a", "o1-b"]],
        [o2, ["o2-a"]],
        [o3, ["o3-a", "o3-b", "o3-c"]],
        [o2, ["o2-a"]],
      ] as const) {
        expect((await q.all(values(owner))).map((r) => r.name)).toEqual(names);
      }
    }
    // Three owners cannot all fit in two entries: the first one was dropped and read again.
    const again1 = await q.all(values(o1));
    expect(again1).toEqual(first1);
    expect(again1).not.toBe(first1);
    expect(first2.map((r) => r.name)).toEqual(["o2-a"]);
    expect(first3.map((r) => r.name)).toEqual(["o3-a", "o3-b", "o3-c"]);
    // The most recent entry is kept.
    expect(await q.all(values(o1))).toBe(again1);
  });

  it("inside a transaction it runs through Kysely: it sees the transaction's own uncommitted rows", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["committed"]);
    const outside = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    const rollback = new Error("roll back");

    const err = await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("api_keys").set({ name: "uncommitted" }).where("id", "=", a).execute();
        const inside = prepareQuery<Row, "ownerType" | "ownerId">(trx, ownerKeys(trx), { reader: rt.database.reader, cacheSize: 10 });
        const rows = await inside.all(values(owner));
        expect(rows.map((r) => r.name)).toEqual(["uncommitted"]);
        expect((await inside.first(values(owner)))?.name).toBe("uncommitted");
        // Through Kysely, not the cache: fresh, unfrozen arrays.
        expect(Object.isFrozen(rows)).toBe(false);
        expect(await inside.all(values(owner))).not.toBe(rows);
        // The reader outside sees committed rows only.
        expect((await outside.all(values(owner))).map((r) => r.name)).toEqual(["committed"]);
        throw rollback;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(rollback);
    expect((await outside.all(values(owner))).map((r) => r.name)).toEqual(["committed"]);
  });

  it("without the cache, reads on the reader are fresh every time", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["plain"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader });
    const r1 = await q.all(values(owner));
    expect(r1.map((r) => r.name)).toEqual(["plain"]);
    expect(await q.all(values(owner))).not.toBe(r1);
    otherConnection().prepare("update api_keys set name = 'plain 2' where id = ?").run(a);
    expect((await q.first(values(owner)))?.name).toBe("plain 2");
    expect(await q.first({ ownerType: "user", ownerId: newUserId() })).toBeUndefined();
  });

  it("a missing placeholder value throws, on the cached and the uncached path", async () => {
    const cached = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    const uncached = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader });
    for (const q of [cached, uncached]) {
      await expect(q.all({ ownerType: "user" } as never)).rejects.toThrow("prepared query: no value for ownerId");
      await expect(q.first({ ownerId: "x" } as never)).rejects.toThrow("prepared query: no value for ownerType");
    }
  });

  it("the key store's list is the cached query: same frozen rows until a commit, then the new ones", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["store-a", "store-b"]);
    const store = createKeyStore(db, { reader: rt.database.reader });

    const all1 = await store.list(owner, { limit: 100 });
    const byService1 = await store.list(owner, { service: "openai", limit: 100 });
    expect(all1.map((r) => r.name).sort()).toEqual(["store-a", "store-b"]);
    expect(byService1.map((r) => r.id)).toEqual(all1.map((r) => r.id));
    expect(await store.list(owner, { limit: 100 })).toBe(all1);
    expect(await store.list(owner, { service: "openai", limit: 100 })).toBe(byService1);
    expect(Object.isFrozen(all1)).toBe(true);
    expect(await store.list(owner, { service: "anthropic", limit: 100 })).toEqual([]);

    otherConnection().prepare("update api_keys set name = 'store-z' where id = ?").run(a);
    const all2 = await store.list(owner, { limit: 100 });
    expect(all2.find((r) => r.id === a)?.name).toBe("store-z");
    expect((await store.list(owner, { service: "openai", limit: 100 })).find((r) => r.id === a)?.name).toBe("store-z");
  });
});

describeEachDatabase("prepareQuery through Kysely (no reader)", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let db: Kysely<Database>;

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    db = rt.database.db;
    if (dialect === "postgres") expect(rt.database.reader).toBeUndefined();
  });
  afterAll(() => tdb?.drop());

  it("answers the owner's rows, with constants in place; first() is the first row or undefined", async () => {
    const [o1, o2] = [userOwner(newUserId()), userOwner(newUserId())];
    const [a1, b1] = await seed(rt, o1, ["a", "b"]);
    const [a2] = await seed(rt, o2, ["c"]);
    await rt.keys.update(actorFor(o1), o1, b1, { isActive: false });

    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, activeOwnerKeys(db));
    expect(q.sql).toBe(activeOwnerKeys(db).compile().sql);
    expect((await q.all(values(o1))).map((r) => r.id)).toEqual([a1]);
    expect((await q.all(values(o2))).map((r) => r.id)).toEqual([a2]);
    expect((await q.first(values(o2)))?.id).toBe(a2);
    expect(await q.first({ ownerType: "user", ownerId: newUserId() })).toBeUndefined();
    // Another owner type with the same id is another owner.
    expect(await q.all({ ownerType: "team", ownerId: o1.id })).toEqual([]);
  });

  it("with cacheSize but the database's own reader (none on PostgreSQL), every call reflects the last commit", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["before"]);
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db), { reader: rt.database.reader, cacheSize: 10 });
    expect((await q.all(values(owner))).map((r) => r.name)).toEqual(["before"]);
    await rt.keys.update(actorFor(owner), owner, a, { name: "after" });
    expect((await q.all(values(owner))).map((r) => r.name)).toEqual(["after"]);
    await db.updateTable("api_keys").set({ name: "raw" }).where("id", "=", a).execute();
    expect(await q.all(values(owner))).toEqual(await truth(db, owner));
    expect((await q.first(values(owner)))?.name).toBe("raw");
  });

  it("prepared on a transaction, it sees that transaction's uncommitted rows", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["committed"]);
    const rollback = new Error("roll back");
    const err = await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("api_keys").set({ name: "in transaction" }).where("id", "=", a).execute();
        const q = prepareQuery<Row, "ownerType" | "ownerId">(trx, ownerKeys(trx), { reader: rt.database.reader, cacheSize: 10 });
        expect((await q.all(values(owner))).map((r) => r.name)).toEqual(["in transaction"]);
        throw rollback;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(rollback);
    expect((await truth(db, owner)).map((r) => r.name)).toEqual(["committed"]);
  });

  it("a missing placeholder value throws", async () => {
    const q = prepareQuery<Row, "ownerType" | "ownerId">(db, ownerKeys(db));
    await expect(q.all({ ownerType: "user" } as never)).rejects.toThrow("prepared query: no value for ownerId");
    await expect(q.first({} as never)).rejects.toThrow(/prepared query: no value for owner(Type|Id)/);
  });
});

describe("prepareQuery cache keys (SQLite)", () => {
  let tdb: TestDatabase;
  let rt: Runtime;

  beforeAll(async () => {
    tdb = createTestDatabase("sqlite");
    rt = await tdb.runtime();
  });
  afterAll(() => tdb?.drop());

  // A key built by joining values with "\0" once let null and "" (and 1 and "1") share an entry.
  it("values that differ only in type (null vs \"\") get their own answers", async () => {
    const owner = userOwner(newUserId());
    const [a] = await seed(rt, owner, ["no description"]);
    const db = rt.database.db;
    const byDescription = (d: Kysely<Database>) =>
      d.selectFrom("api_keys").select(["id"]).where("owner_id", "=", owner.id).where("description", "is", param("d") as never);
    const uncached = prepareQuery<{ id: string }, "d">(db, byDescription(db), { reader: rt.database.reader });
    const cached = prepareQuery<{ id: string }, "d">(db, byDescription(db), { reader: rt.database.reader, cacheSize: 10 });
    expect((await uncached.all({ d: null })).map((r) => r.id)).toEqual([a]);
    expect(await uncached.all({ d: "" })).toEqual([]);

    expect((await cached.all({ d: null })).map((r) => r.id)).toEqual([a]);
    expect(await cached.all({ d: "" })).toEqual([]); // fails: answers [a], the cached answer for null
  });
});
