/**
 * A hand-out costs one query, also for an owner whose data key is not cached: the wrapped data
 * key then comes with the secret, from data_keys by id AND owner, in the same statement (a cached
 * owner's statement leaves it out). Queries are
 * counted on the real database — every statement Kysely executes (a plugin sees each result) and
 * every read on SQLite's synchronous reader — for a key service with a cold data-key cache, built
 * exactly as the runtime builds it. Pointing a row at another owner's data key still fails.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kysely, KyselyPlugin, PluginTransformResultArgs, QueryResult, UnknownRow } from "kysely";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Runtime } from "../../src/app/compose.js";
import { DecryptionError } from "../../src/crypto/decryption-error.js";
import type { NamedQueryRunner, SyncReader } from "../../src/db/connect.js";
import type { Database } from "../../src/db/schema.js";
import { createOwnerDataKeys } from "../../src/keys/data-key-store.js";
import { createKeyService } from "../../src/keys/key-service.js";
import { createKeyStore } from "../../src/keys/key-store.js";
import { createApiKeyProvider } from "../../src/provider/index.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { keys } from "../provider/fixtures.js";
import { actorFor } from "../support/actors.js";

const OPENAI = keys.openai();
const OTHER = keys.openai();

describeEachDatabase("queries per hand-out", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  const alice: OwnerRef = { type: "user", id: "user_alice_queries" };
  const bob: OwnerRef = { type: "user", id: "user_bob_queries" };
  let aliceKey: string;
  let bobKey: string;

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    aliceKey = (await rt.keys.create(actorFor(alice), alice, { name: "a", service: "openai", value: OPENAI })).id;
    bobKey = (await rt.keys.create(actorFor(bob), bob, { name: "b", service: "openai", value: OTHER })).id;
  });
  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  /** A provider over a fresh key service (cold data-key cache) whose every query is counted. */
  function countedProvider() {
    const statements: string[] = [];
    // transformResult runs once per executed statement, prepared (compiled) ones included.
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
        statements.push("(through Kysely)");
        return args.result;
      },
    };
    const db: Kysely<Database> = rt.database.db.withPlugin(counter);
    const base = rt.database.reader;
    const reader: SyncReader | undefined = base && {
      one: (sql, parameters) => (statements.push(sql), base.one(sql, parameters)),
      all: (sql, parameters) => (statements.push(sql), base.all(sql, parameters)),
      dataVersion: () => (statements.push("pragma data_version"), base.dataVersion()),
    };
    const baseNamed = rt.database.named;
    const named: NamedQueryRunner | undefined =
      baseNamed && (<T>(name: string, sql: string, parameters: readonly unknown[]) => (statements.push(sql), baseNamed<T>(name, sql, parameters)));
    const service = createKeyService({ store: createKeyStore(db, { reader, named }), dataKeys: createOwnerDataKeys({ db, keyring: rt.keyring }) });
    const provider = createApiKeyProvider({ keys: service, usage: { record: () => {} }, config: rt.config });
    return { provider, statements };
  }

  it("an owner whose data key is not cached: exactly one query, and the right value", async () => {
    const { provider, statements } = countedProvider();
    expect(await provider.getApiKey(alice.id, "openai")).toBe(OPENAI);
    expect(statements).toHaveLength(1);
    // Cached afterwards: still one query (the row is never cached), without the data key.
    expect(await provider.getApiKey(alice.id, "openai")).toBe(OPENAI);
    expect(statements).toHaveLength(2);
    {
      // The reader (SQLite) or the named statement (PostgreSQL) shows the SQL: the data key was read with the first row only.
      expect(statements[0]).toContain('"data_keys"');
      expect(statements[1]).not.toContain('"data_keys"');
    }
    // Another owner, also uncached in this service: one more query.
    expect(await provider.getApiKey(bob.id, "openai")).toBe(OTHER);
    expect(statements).toHaveLength(3);
  });

  it("a row pointed at another owner's data key fails, cold or with both keys cached, still in one query", async () => {
    const warm = countedProvider();
    expect(await warm.provider.getApiKey(alice.id, "openai")).toBe(OPENAI);
    expect(await warm.provider.getApiKey(bob.id, "openai")).toBe(OTHER);

    const db = rt.database.db;
    const row = (id: string) => db.selectFrom("api_keys").select("data_key_id").where("id", "=", id).executeTakeFirstOrThrow();
    const alicesDek = (await row(aliceKey)).data_key_id;
    const bobsDek = (await row(bobKey)).data_key_id;
    await db.updateTable("api_keys").set({ data_key_id: bobsDek }).where("id", "=", aliceKey).execute();
    try {
      const cold = countedProvider();
      await expect(cold.provider.getApiKey(alice.id, "openai")).rejects.toThrow(DecryptionError);
      expect(cold.statements).toHaveLength(1);
      const before = warm.statements.length;
      await expect(warm.provider.getApiKey(alice.id, "openai")).rejects.toThrow(DecryptionError);
      expect(warm.statements.length - before).toBe(1);
    } finally {
      await db.updateTable("api_keys").set({ data_key_id: alicesDek }).where("id", "=", aliceKey).execute();
    }
    expect(await countedProvider().provider.getApiKey(alice.id, "openai")).toBe(OPENAI);
  });
});
