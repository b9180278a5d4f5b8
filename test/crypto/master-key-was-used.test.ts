/**
 * What start-up needs to know before it may generate a master key: whether one was ever used
 * with this database (a key check recorded or a data key wrapped), not whether API keys exist.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { masterKeyWasUsed } from "../../src/keys/key-check-store.js";
import { MASTER_KEY_FILE_NAME } from "../../src/crypto/master-key-loader.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { EXIT, StartupError } from "../../src/platform/errors.js";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/databases.js";
import { actorFor } from "../support/actors.js";

describeEachDatabase("masterKeyWasUsed and the start-up that relies on it", (dialect) => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  const noEnvKey = { KEYHAVEN_MASTER_KEY: undefined }; // master.key in the data dir, generated once
  const keyFile = () => path.join(tdb.dataDir, MASTER_KEY_FILE_NAME);

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    handle = await openDatabase({ databaseUrl: dialect === "postgres" ? TEST_DATABASE_URL : undefined, dataDir: tdb.dataDir, pgSchema: tdb.pgSchema });
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await tdb?.drop();
  });

  it("false on a fresh database, true once a key check or a data key exists, with or without API keys", async () => {
    expect(await masterKeyWasUsed(handle.db)).toBe(false);

    // First start: generates master.key and records its key check; no API key yet.
    const first = await tdb.runtime(noEnvKey);
    expect(fs.existsSync(keyFile())).toBe(true);
    expect(await masterKeyWasUsed(handle.db)).toBe(true);
    await first.keys.create(actorFor({ type: "user", id: "u1" }), { type: "user", id: "u1" }, { name: "k", service: "openai", value: `sk-proj-${"a".repeat(32)}` });
    await first.close();

    // A data key without its key check (a partial restore) still says a key was used.
    await handle.db.deleteFrom("master_key_checks").execute();
    expect(await masterKeyWasUsed(handle.db)).toBe(true);
  });

  it("start-up refuses (exit 78) rather than generate a new key when master.key is gone and only a data key remains", async () => {
    fs.rmSync(keyFile());
    let caught: unknown;
    try {
      await tdb.runtime(noEnvKey);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StartupError);
    expect((caught as StartupError).exitCode).toBe(EXIT.CONFIG);
    expect((caught as Error).message).toMatch(/database was set up with a master key, but none was found/);
    expect(fs.existsSync(keyFile())).toBe(false);
  });
});
