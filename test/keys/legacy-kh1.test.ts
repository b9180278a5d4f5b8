/**
 * Rows sealed in the old `kh1` format (id, owner and service bound; config and version not)
 * stay readable, are sealed again as `kh2` on their next update, and by `keyhaven reseal`
 * (run through the real CLI entry point) — after which an edited config no longer decrypts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { unwrapDataKey } from "../../src/crypto/data-key.js";
import type { OwnerRef } from "../../src/access/owner.js";
import type { ApiKeyRow, ApiKeyRowUpdate } from "../../src/db/schema.js";
import type { Runtime } from "../../src/app/compose.js";
import { encryptLegacyKh1 } from "../crypto/legacy-kh1.js";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase, urlWithSchema } from "../support/databases.js";
import { cliEnv, killAll, runCli } from "../startup/run-cli.js";
import { actorFor } from "../support/actors.js";

const alice: OwnerRef = { type: "user", id: "user_legacy_alice" };
const bob: OwnerRef = { type: "user", id: "user_legacy_bob" };
const OPENAI = "sk-proj-LegacyKh1Secret_0123456789abcdefghij";
const CUSTOM = "ck_legacy_kh1_secret_0123456789";
const AWS = { accessKeyId: "AKIALEGACYKH1SECRET0", secretAccessKey: "LegacyKh1AwsSecretKey0123456789abcdefghi" };

describeEachDatabase("kh1 secrets", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime(); // private endpoints are not allowed: custom keys below use public names
  });
  afterAll(async () => {
    await killAll();
    await tdb.drop();
  });

  const readRow = (id: string) =>
    rt.database.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirstOrThrow() as Promise<ApiKeyRow>;
  const writeRow = (id: string, patch: ApiKeyRowUpdate) => rt.database.db.updateTable("api_keys").set(patch).where("id", "=", id).execute();

  /** A key stored as an older Keyhaven stored it: the same row, its secret sealed with the kh1 AAD. */
  async function legacyKey(owner: OwnerRef, input: Parameters<Runtime["keys"]["create"]>[2], plaintext: string): Promise<ApiKeyRow> {
    const key = await rt.keys.create(actorFor(owner), owner, input);
    const row = await readRow(key.id);
    const { wrapped_key } = await rt.database.db.selectFrom("data_keys").select("wrapped_key").where("id", "=", row.data_key_id).executeTakeFirstOrThrow();
    const dek = unwrapDataKey(rt.keyring, owner, wrapped_key);
    await writeRow(key.id, { encrypted_value: encryptLegacyKh1(dek, { keyId: key.id, owner, service: row.service }, plaintext) });
    const legacy = await readRow(key.id);
    expect(legacy.encrypted_value).toMatch(/^kh1\./);
    return legacy;
  }

  it("stay readable: reveal and hand-out", async () => {
    const row = await legacyKey(alice, { name: "old", service: "openai", value: OPENAI }, OPENAI);
    expect((await rt.keys.reveal(actorFor(alice), alice, row.id)).value).toBe(OPENAI);
    expect(await rt.keys.findUsableKey(actorFor(alice), alice, "openai")).toMatchObject({ id: row.id, value: OPENAI });
  });

  it("are sealed again as kh2 on their next update (a rename), value kept, version moved on", async () => {
    const row = await legacyKey(alice, { name: "old-aws", service: "aws", value: AWS, config: { region: "eu-west-1" } }, JSON.stringify(AWS));
    await rt.keys.update(actorFor(alice), alice, row.id, { name: "renamed" });
    const after = await readRow(row.id);
    expect(after.encrypted_value).toMatch(/^kh2\./);
    expect(after.version).toBe(row.version + 1);
    expect((await rt.keys.reveal(actorFor(alice), alice, row.id)).value).toEqual(AWS);
    // Now the region is bound: an edited one fails.
    await writeRow(row.id, { config: JSON.stringify({ region: "us-east-1" }) });
    await expect(rt.keys.reveal(actorFor(alice), alice, row.id)).rejects.toThrow(/^Decryption failed$/);
  });

  it("`keyhaven reseal` seals every kh1 row again, prints progress and a count, reports rows it cannot open", async () => {
    const custom = await legacyKey(
      bob,
      { name: "llm", service: "custom", value: CUSTOM, config: { baseUrl: "https://203.0.113.7/v1" } },
      CUSTOM,
    );
    const openai = await legacyKey(bob, { name: "bob-openai", service: "openai", value: OPENAI }, OPENAI);
    const broken = await legacyKey(bob, { name: "broken", service: "groq", value: "gsk_" + "b".repeat(40) }, "gsk_" + "b".repeat(40));
    const b = broken.encrypted_value;
    await writeRow(broken.id, { encrypted_value: b.slice(0, -6) + (b.at(-6) === "A" ? "B" : "A") + b.slice(-5) });

    // Before the reseal a kh1 row binds no config: this is the gap the command closes.
    const legacyConfig = custom.config;
    await writeRow(custom.id, { config: JSON.stringify({ ...JSON.parse(legacyConfig), baseUrl: "https://attacker.example/v1" }) });
    expect((await rt.keys.reveal(actorFor(bob), bob, custom.id)).value).toBe(CUSTOM);
    await writeRow(custom.id, { config: legacyConfig });

    const { count: legacyBefore } = await rt.database.db
      .selectFrom("api_keys")
      .select((eb) => eb.fn.countAll().as("count"))
      .where("encrypted_value", "like", "kh1.%")
      .executeTakeFirstOrThrow();
    const env = cliEnv({
      KEYHAVEN_DATA_DIR: tdb.dataDir,
      KEYHAVEN_MASTER_KEY: tdb.masterKey,
      DATABASE_URL: dialect === "postgres" ? urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema!) : undefined,
      LOG_LEVEL: "silent",
    });
    const run = await runCli(["reseal"], { cwd: tdb.dataDir, env, timeoutMs: 60_000 });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(`${Number(legacyBefore)} key(s) in the kh1 format`);
    expect(run.stdout).toMatch(new RegExp(`resealing: ${Number(legacyBefore)}/${Number(legacyBefore)}`));
    expect(run.stdout).toContain(`resealed ${Number(legacyBefore) - 1} key(s) as kh2; 1 failed\n`);
    expect(run.stderr).toBe(`keyhaven: could not reseal key ${broken.id}: Decryption failed\n`);
    expect(run.stdout + run.stderr).not.toContain(CUSTOM);

    for (const row of [custom, openai]) {
      const after = await readRow(row.id);
      expect(after.encrypted_value).toMatch(/^kh2\./);
      expect(after.version).toBe(row.version + 1);
      expect(after.updated_at).toBe(row.updated_at); // a reseal is not an edit: hand-out order unchanged
    }
    expect((await readRow(broken.id)).encrypted_value).toMatch(/^kh1\./);
    expect((await rt.keys.reveal(actorFor(bob), bob, custom.id)).value).toBe(CUSTOM);
    expect((await rt.keys.reveal(actorFor(bob), bob, openai.id)).value).toBe(OPENAI);

    // Once resealed, the same config edit fails.
    await writeRow(custom.id, { config: JSON.stringify({ ...JSON.parse(legacyConfig), baseUrl: "https://attacker.example/v1" }) });
    await expect(rt.keys.reveal(actorFor(bob), bob, custom.id)).rejects.toThrow(/^Decryption failed$/);
    await writeRow(custom.id, { config: legacyConfig });

    // A kh1 row that cannot be opened can still be switched off (it stays as it is).
    await rt.keys.update(actorFor(bob), bob, broken.id, { isActive: false });
    expect((await readRow(broken.id)).encrypted_value).toMatch(/^kh1\./);

    // Again, with the broken row gone: nothing left to do.
    await rt.keys.remove(actorFor(bob), bob, broken.id);
    const again = await runCli(["reseal"], { cwd: tdb.dataDir, env, timeoutMs: 60_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain("0 key(s) in the kh1 format");
    expect(again.stdout).toContain("resealed 0 key(s) as kh2\n");
  });
});
