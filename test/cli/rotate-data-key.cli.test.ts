/**
 * `keyhaven rotate-data-key` through the real entry point on both databases: `--user EMAIL`
 * rotates that account's data key (its values and kept versions), another owner untouched;
 * usage mistakes and an unknown account are one line with their exit code.
 */
import { afterAll, expect, it } from "vitest";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase, urlWithSchema } from "../support/databases.js";
import { cliEnv, killAll, removeTempDirs, runCli } from "../startup/run-cli.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";
import { keepVersionAndChange, openaiValue, ownerRows, seedOwners } from "../keys/rotation-fixtures.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

describeEachDatabase("keyhaven rotate-data-key", (dialect) => {
  let tdb: TestDatabase;
  afterAll(() => tdb?.drop());

  it("rotates the named account's data key; usage errors and unknown accounts are one line", { timeout: 180_000 }, async () => {
    tdb = createTestDatabase(dialect);
    const rt = await tdb.runtime();
    const [ada, bob] = await seedOwners(rt, 2, "user_cli_dk");
    const now = new Date();
    await rt.database.db
      .insertInto("user")
      .values({ id: ada.owner.id, name: "Ada", email: "ada@example.com", emailVerified: dialect === "postgres" ? false : 0, image: null, createdAt: dialect === "postgres" ? now : now.toISOString(), updatedAt: dialect === "postgres" ? now : now.toISOString(), disabledAt: null })
      .execute();
    const adaNow = openaiValue();
    await keepVersionAndChange(rt, ada.owner, ada.keyId, adaNow);
    const bobBefore = await ownerRows(rt, bob.owner);

    const env = cliEnv({
      KEYHAVEN_DATA_DIR: tdb.dataDir,
      KEYHAVEN_MASTER_KEY: tdb.masterKey,
      DATABASE_URL: dialect === "postgres" ? urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema!) : undefined,
      LOG_LEVEL: "warn",
    });
    const [ok, usage, badOwner, unknown] = await Promise.all([
      runCli(["rotate-data-key", "--user", "ADA@example.com"], { cwd: tdb.dataDir, env }),
      runCli(["rotate-data-key"], { cwd: tdb.dataDir, env }),
      runCli(["rotate-data-key", "--owner", "ada"], { cwd: tdb.dataDir, env }),
      runCli(["rotate-data-key", "--user", "nobody@example.com"], { cwd: tdb.dataDir, env }),
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`user:${ada.owner.id} now uses data key generation 2: re-encrypted 1 key(s) and 1 kept version(s); deleted 1 old data key(s)\n`);
    expect(ok.stdout).toContain("verified: 1 data key(s), 1 key(s), 1 kept version(s); 0 failed\n");

    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/^keyhaven: name the owner whose data key to rotate\nusage: keyhaven rotate-data-key/);
    expect(badOwner.code).toBe(64);
    expect(badOwner.stderr).toMatch(/^keyhaven: --owner must be user:<id> or team:<id>\n/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("keyhaven: no account with the email nobody@example.com\n");

    const after = await ownerRows(rt, ada.owner);
    expect(after.dataKeys.map((d) => Number(d.generation))).toEqual([2]);
    expect([...after.current, ...after.kept].every((r) => r.data_key_id === after.dataKeys[0].id)).toBe(true);
    expect((await rt.keys.findUsableKey(LIBRARY_ACTOR, ada.owner, "openai"))?.value).toBe(adaNow);
    expect(await ownerRows(rt, bob.owner)).toEqual(bobBefore);
  });
});
