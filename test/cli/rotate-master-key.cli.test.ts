/**
 * `keyhaven rotate-master-key` as an operator runs it (the real entry point, a child process) on
 * both databases, with a server's runtime handing out keys the whole time: killed with SIGKILL
 * after its first progress line, then run again, it finishes with every key readable; the old
 * key is refused while a data key needs it and can be removed afterwards. A secret that no longer
 * decrypts makes it exit 1, naming the key.
 */
import { afterAll, expect, it } from "vitest";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase, urlWithSchema } from "../support/databases.js";
import { cliEnv, killAll, removeTempDirs, runCli, startCli } from "../startup/run-cli.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";
import { generateMasterKeyBase64 } from "../../src/crypto/master-keyring.js";
import { EXIT, StartupError } from "../../src/platform/errors.js";
import { seedOwners } from "../keys/rotation-fixtures.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

const OWNERS = 4_000;

describeEachDatabase("keyhaven rotate-master-key", (dialect) => {
  let tdb: TestDatabase;
  afterAll(() => tdb?.drop());

  it("kill -9 mid-run, run again: every key readable while and after; then the old key can go", { timeout: 240_000 }, async () => {
    tdb = createTestDatabase(dialect);
    const v1 = await tdb.runtime();
    const seeded = await seedOwners(v1, OWNERS);
    const newKey = generateMasterKeyBase64();
    const v2 = { KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2", KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${tdb.masterKey}` };
    const env = cliEnv({
      KEYHAVEN_DATA_DIR: tdb.dataDir,
      DATABASE_URL: dialect === "postgres" ? urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema!) : undefined,
      LOG_LEVEL: "warn",
      ...v2,
    });

    // A server restarted with the new configuration, handing out random owners' keys throughout.
    const serving = await tdb.runtime(v2);
    let stop = false;
    let handedOut = 0;
    const wrong: string[] = [];
    const reader = (async () => {
      let i = 0;
      while (!stop) {
        const s = seeded[(i++ * 7919) % seeded.length];
        const got = await serving.keys.findUsableKey(LIBRARY_ACTOR, s.owner, "openai").catch((e: unknown) => ({ value: String(e) }));
        if (got?.value !== s.value) wrong.push(s.keyId);
        handedOut++;
        await new Promise((r) => setImmediate(r));
      }
    })();

    try {
      const first = startCli(["rotate-master-key", "--batch-size", "40"], { cwd: tdb.dataDir, env });
      await first.waitFor(/rewrapping: \d+\/4000\n/);
      first.kill();
      const killed = await first.waitForExit();
      expect(killed.signal).toBe("SIGKILL");
      expect(killed.stdout).toMatch(/^4000 data key\(s\) to re-wrap under master key version 2\n/);

      const countUnder1 = async () =>
        Number((await v1.database.db.selectFrom("data_keys").select((eb) => eb.fn.countAll().as("n")).where("kek_version", "=", 1).executeTakeFirstOrThrow()).n);
      const left = await countUnder1();
      // Killed in the middle: some batches committed, not all.
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(OWNERS);

      // The old key cannot be removed yet: start-up names the version and the command.
      const refused = await tdb.runtime({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as StartupError).exitCode).toBe(EXIT.MASTER_KEY_MISMATCH);
      expect((refused as StartupError).message).toContain(`${left} data key(s) are still wrapped under master key version 1`);
      expect((refused as StartupError).message).toContain("run keyhaven rotate-master-key");

      const rerun = await runCli(["rotate-master-key"], { cwd: tdb.dataDir, env, timeoutMs: 120_000 });
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain(`${left} data key(s) to re-wrap under master key version 2\n`);
      expect(rerun.stdout).toContain(`re-wrapped ${left} data key(s) under master key version 2 (from version 1)\n`);
      expect(rerun.stdout).toContain(`verified: ${OWNERS} data key(s), ${OWNERS} key(s), 0 kept version(s); 0 failed\n`);
      expect(rerun.stdout).toContain("KEYHAVEN_PREVIOUS_MASTER_KEYS can be removed");
      expect(await countUnder1()).toBe(0);
    } finally {
      stop = true;
      await reader;
    }
    expect(wrong).toEqual([]);
    expect(handedOut).toBeGreaterThan(0);

    // The old key removed: a fresh process with the new key alone reads every key.
    const alone = await tdb.runtime({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" });
    for (const s of seeded) {
      const got = await alone.keys.findUsableKey(LIBRARY_ACTOR, s.owner, "openai");
      if (got?.value !== s.value) wrong.push(s.keyId);
    }
    expect(wrong).toEqual([]);

    // A secret that does not decrypt any more: exit 1, one line naming it, no value printed.
    const victim = seeded[42];
    const row = await alone.database.db.selectFrom("api_keys").select("encrypted_value").where("id", "=", victim.keyId).executeTakeFirstOrThrow();
    await alone.database.db.updateTable("api_keys").set({ encrypted_value: row.encrypted_value.slice(0, -4) + "AAAA" }).where("id", "=", victim.keyId).execute();
    const bad = await runCli(["rotate-master-key"], {
      cwd: tdb.dataDir,
      env: { ...env, KEYHAVEN_PREVIOUS_MASTER_KEYS: "" },
      timeoutMs: 120_000,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`keyhaven: key ${victim.keyId} does not decrypt\n`);
    expect(bad.stdout).toContain(`verified: ${OWNERS} data key(s), ${OWNERS} key(s), 0 kept version(s); 1 failed\n`);
    expect(bad.stdout + bad.stderr).not.toContain(victim.value);
  });
});
