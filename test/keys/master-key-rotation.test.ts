/**
 * Master-key rotation in process, on both databases: previous keys read, start-up refusals (a
 * new version out of nowhere, a wrong previous key, a retired version still in use, malformed
 * KEYHAVEN_PREVIOUS_MASTER_KEYS — never echoing a key), the re-wrap itself (every data key under
 * the new version, secrets and kept versions untouched and decrypting), a tampered wrapped key
 * reported and left, and the audit event (counts, no key material).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";
import { generateMasterKeyBase64 } from "../../src/crypto/master-keyring.js";
import { EXIT, StartupError } from "../../src/platform/errors.js";
import { loadConfig } from "../../src/platform/config.js";
import { Writable } from "node:stream";
import { createRuntime, type Runtime } from "../../src/app/compose.js";
import { createLogger } from "../../src/platform/logger.js";
import { rewrapDataKeys, rotateMasterKey, writeRewrapBatch } from "../../src/keys/master-key-rotation.js";
import { verifyStoredSecrets } from "../../src/keys/secret-verification.js";
import { keepVersionAndChange, openaiValue, seedOwners, type SeededOwner } from "./rotation-fixtures.js";

async function startupFailure(p: Promise<unknown>): Promise<StartupError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartupError);
  return err as StartupError;
}

describeEachDatabase("rotate-master-key", (dialect) => {
  let tdb: TestDatabase;
  let v1: Runtime;
  let seeded: SeededOwner[];
  const newKey = generateMasterKeyBase64();
  let v2Env: Record<string, string>;
  const changed = new Map<string, string>();

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    v1 = await tdb.runtime();
    seeded = await seedOwners(v1, 60);
    // Kept versions on a few keys: sealed with the key's old version number.
    for (const s of seeded.slice(0, 5)) {
      const next = openaiValue();
      await keepVersionAndChange(v1, s.owner, s.keyId, next);
      changed.set(s.keyId, next);
    }
    v2Env = { KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2", KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${tdb.masterKey}` };
  });
  afterAll(() => tdb.drop());

  const valueOf = (s: SeededOwner) => changed.get(s.keyId) ?? s.value;

  it("refuses a new version without the previous key, and a wrong previous key", async () => {
    const alone = await startupFailure(tdb.runtime({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }));
    expect(alone.exitCode).toBe(EXIT.MASTER_KEY_MISMATCH);
    expect(alone.message).toContain("encrypted with master key version 1, but the configured key is version 2");
    expect(alone.message).toContain("KEYHAVEN_PREVIOUS_MASTER_KEYS=<old version>:<old key>");

    const wrongOld = generateMasterKeyBase64();
    const wrong = await startupFailure(tdb.runtime({ ...v2Env, KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${wrongOld}` }));
    expect(wrong.exitCode).toBe(EXIT.MASTER_KEY_MISMATCH);
    expect(wrong.message).toContain("key check failed for master key version 1");
    expect(wrong.message).toContain("KEYHAVEN_PREVIOUS_MASTER_KEYS");
    expect(wrong.message).not.toContain(wrongOld);

    // Neither failure recorded version 2: the database still knows only version 1.
    const checks = await v1.database.db.selectFrom("master_key_checks").select("kek_version").execute();
    expect(checks.map((c) => Number(c.kek_version))).toEqual([1]);
  });

  it("refuses malformed KEYHAVEN_PREVIOUS_MASTER_KEYS in one line, never echoing a key", () => {
    const key = generateMasterKeyBase64();
    const cases: [string, string, RegExp][] = [
      ["2", key, /entry 1 must be version:base64-key/],
      ["2", `x:${key}`, /entry 1 must be version:base64-key/],
      ["2", `1:${key},${key}`, /entry 2 must be version:base64-key/],
      ["2", `2:${key}`, /lists version 2, but previous keys must be older than KEYHAVEN_MASTER_KEY_VERSION \(2\)/],
      ["3", `1:${key},1:${key}`, /lists version 1 twice/],
    ];
    for (const [version, raw, message] of cases) {
      let err: unknown;
      try {
        loadConfig({ KEYHAVEN_MASTER_KEY_VERSION: version, KEYHAVEN_PREVIOUS_MASTER_KEYS: raw });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StartupError);
      expect((err as StartupError).exitCode).toBe(EXIT.CONFIG);
      expect((err as StartupError).message).toMatch(message);
      expect((err as StartupError).message).not.toContain(key);
      expect((err as StartupError).message).not.toContain("\n");
    }
  });

  it("refuses a previous key that is not base64 of 32 bytes, or is the current key, naming the version only", async () => {
    const bad = await startupFailure(tdb.runtime({ ...v2Env, KEYHAVEN_PREVIOUS_MASTER_KEYS: "1:c2hvcnQ=" }));
    expect(bad.exitCode).toBe(EXIT.CONFIG);
    expect(bad.message).toMatch(/^KEYHAVEN_PREVIOUS_MASTER_KEYS: the key of version 1 is invalid: master key must be base64 of exactly 32 bytes/);
    expect(bad.message).not.toContain("c2hvcnQ");

    const same = await startupFailure(tdb.runtime({ ...v2Env, KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${newKey}` }));
    expect(same.exitCode).toBe(EXIT.CONFIG);
    expect(same.message).toContain("version 1 is the same key as the current master key");
    expect(same.message).not.toContain(newKey);
  });

  it("re-wraps every data key under version 2 while both versions read; secrets and kept versions stay as they were", async () => {
    const v2 = await tdb.runtime(v2Env);
    expect(v2.keyring.currentVersion).toBe(2);
    // Both versions read during the change: old rows hand out before anything is re-wrapped.
    const first = seeded[7];
    expect((await v2.keys.findUsableKey(LIBRARY_ACTOR, first.owner, "openai"))?.value).toBe(first.value);

    const secretsBefore = await v2.database.db.selectFrom("api_keys").select(["id", "data_key_id", "encrypted_value"]).orderBy("id").execute();
    const versionsBefore = await v2.database.db.selectFrom("api_key_versions").selectAll().orderBy("key_id").execute();
    const progress: { done: number; total: number }[] = [];
    const result = await rewrapDataKeys(v2.database.db, v2.database.dialect, v2.keyring, (p) => progress.push(p), 25);
    expect(result).toEqual({ fromVersions: [1], toVersion: 2, total: 60, rewrapped: 60, skipped: 0, failed: [] });
    expect(progress.map((p) => p.done)).toEqual([0, 25, 50, 60]);

    const versions = await v2.database.db.selectFrom("data_keys").select(["kek_version", "wrapped_key"]).execute();
    expect(versions.every((r) => Number(r.kek_version) === 2 && r.wrapped_key.startsWith("kh1.2."))).toBe(true);
    // The re-wrap touches data_keys only.
    expect(await v2.database.db.selectFrom("api_keys").select(["id", "data_key_id", "encrypted_value"]).orderBy("id").execute()).toEqual(secretsBefore);
    expect(await v2.database.db.selectFrom("api_key_versions").selectAll().orderBy("key_id").execute()).toEqual(versionsBefore);

    // A fresh process with the new key alone (and one with both) hands out every key.
    const fresh = await tdb.runtime(v2Env);
    for (const s of seeded) expect((await fresh.keys.findUsableKey(LIBRARY_ACTOR, s.owner, "openai"))?.value).toBe(valueOf(s));
    const verified = await verifyStoredSecrets(fresh.database.db, fresh.keyring);
    expect(verified).toEqual({ dataKeys: 60, secrets: 60, versions: 5, failures: [] });

    // Resumable: a second run finds nothing left.
    const again = await rewrapDataKeys(v2.database.db, v2.database.dialect, v2.keyring);
    expect(again.total).toBe(0);
  });

  it("once nothing needs version 1, the old key can be removed; the new key alone starts and reads everything", async () => {
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const alone = await createRuntime(tdb.config({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }), logger, { pgSchema: tdb.pgSchema });
    try {
      expect(lines.join("")).toContain("master key version 1 is no longer configured and no data key needs it");
      for (const secret of [newKey, tdb.masterKey]) expect(lines.join("")).not.toContain(secret);
      for (const s of seeded.slice(0, 10)) expect((await alone.keys.findUsableKey(LIBRARY_ACTOR, s.owner, "openai"))?.value).toBe(valueOf(s));
      expect(alone.keyring.keyFor(1)).toBeUndefined();
    } finally {
      await alone.close();
    }
  });
});

describeEachDatabase("rotate-master-key: refusals and failures mid-way", (dialect) => {
  let tdb: TestDatabase;
  afterAll(() => tdb.drop());

  it("refuses to start without a version some data key still needs; a tampered wrapped key is reported and left; the event has counts only", async () => {
    tdb = createTestDatabase(dialect);
    const v1 = await tdb.runtime();
    const seeded = await seedOwners(v1, 30);
    const newKey = generateMasterKeyBase64();
    const v2Env = { KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2", KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${tdb.masterKey}` };
    const v2 = await tdb.runtime(v2Env);

    // Flip one character inside the sealed part of one wrapped key.
    const victim = seeded[11];
    const stored = await v2.database.db.selectFrom("data_keys").select("wrapped_key").where("id", "=", victim.dataKeyId).executeTakeFirstOrThrow();
    const i = stored.wrapped_key.length - 5;
    const tampered = stored.wrapped_key.slice(0, i) + (stored.wrapped_key[i] === "A" ? "B" : "A") + stored.wrapped_key.slice(i + 1);
    await v2.database.db.updateTable("data_keys").set({ wrapped_key: tampered }).where("id", "=", victim.dataKeyId).execute();

    const { rewrap, remaining, verification } = await rotateMasterKey({ db: v2.database.db, dialect: v2.database.dialect, keyring: v2.keyring, audit: v2.audit });
    expect(rewrap).toMatchObject({ total: 30, rewrapped: 29, failed: [victim.dataKeyId] });
    expect(remaining).toBe(1);
    expect(verification.failures.sort()).toEqual([`data key ${victim.dataKeyId}`, `key ${victim.keyId}`].sort());
    const left = await v2.database.db.selectFrom("data_keys").select(["wrapped_key", "kek_version"]).where("id", "=", victim.dataKeyId).executeTakeFirstOrThrow();
    expect(left).toEqual({ wrapped_key: tampered, kek_version: 1 });

    // Version 1 still wraps that data key: removing the old key is refused, naming it and the command.
    const refused = await startupFailure(tdb.runtime({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }));
    expect(refused.exitCode).toBe(EXIT.MASTER_KEY_MISMATCH);
    expect(refused.message).toBe(
      "1 data key(s) are still wrapped under master key version 1, which is no longer configured; put it back in KEYHAVEN_PREVIOUS_MASTER_KEYS (1:<key>) and run keyhaven rotate-master-key before removing it",
    );

    const events = await v2.database.db.selectFrom("audit_events").selectAll().where("action", "=", "admin.rotate_master_key").execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: "system", actor_id: "cli", target_type: "master_key", target_id: "2" });
    expect(JSON.parse(events[0].details)).toEqual({
      fromVersions: [1],
      toVersion: 2,
      dataKeys: 30,
      rewrapped: 29,
      failed: 1,
      remaining: 1,
      verified: { dataKeys: 30, secrets: 30, versions: 0 },
      verifyFailures: 2,
    });
    const row = JSON.stringify(events[0]);
    for (const secret of [newKey, tdb.masterKey, tampered, ...seeded.map((s) => s.value)]) expect(row).not.toContain(secret);

    // Deleting the broken owner's data (what an operator would do with an unrecoverable key) lets the old key go.
    await v2.database.db.deleteFrom("api_keys").where("id", "=", victim.keyId).execute();
    await v2.database.db.deleteFrom("data_keys").where("id", "=", victim.dataKeyId).execute();
    const alone = await tdb.runtime({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" });
    expect((await alone.keys.findUsableKey(LIBRARY_ACTOR, seeded[0].owner, "openai"))?.value).toBe(seeded[0].value);
  });

  it("a batch write is compare-and-set: a row whose wrapped key changed since it was read is left alone", async () => {
    const t = createTestDatabase(dialect);
    try {
      const v1 = await t.runtime();
      const seeded = await seedOwners(v1, 3, "user_cas");
      const db = v1.database.db;
      const read = await db.selectFrom("data_keys").select(["id", "wrapped_key"]).orderBy("id").execute();
      // Someone else re-wrapped the first row in between (here: a marker value).
      await db.updateTable("data_keys").set({ wrapped_key: "kh1.7.someone-else" }).where("id", "=", read[0].id).execute();
      const changed = await writeRewrapBatch(db, v1.database.dialect, 2, read.map((r) => ({ id: r.id, oldKey: r.wrapped_key, newKey: `kh1.2.new-${r.id}` })));
      expect(changed).toBe(2);
      const after = await db.selectFrom("data_keys").select(["id", "wrapped_key", "kek_version"]).orderBy("id").execute();
      expect(after[0]).toEqual({ id: read[0].id, wrapped_key: "kh1.7.someone-else", kek_version: 1 });
      expect(after.slice(1)).toEqual(read.slice(1).map((r) => ({ id: r.id, wrapped_key: `kh1.2.new-${r.id}`, kek_version: 2 })));
      expect(seeded).toHaveLength(3);
    } finally {
      await t.drop();
    }
  });
});
