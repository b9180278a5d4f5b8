/**
 * Per-owner data-key rotation on both databases: one owner's current values and kept versions
 * move to a fresh generation (each still decrypting, versions and every other field unchanged),
 * the old data key is deleted once unreferenced, another owner is untouched; a server that
 * cached the old key writes new secrets under the new one; an interrupted rotation is finished,
 * not restarted; a row that will not open keeps its old data key.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import type { Runtime } from "../../src/app/compose.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { generateDataKey, wrapDataKey } from "../../src/crypto/data-key.js";
import { rotateOwnerDataKey, type DataKeyRotationDeps } from "../../src/keys/data-key-rotation.js";
import { verifyStoredSecrets } from "../../src/keys/secret-verification.js";
import { actorFor } from "../support/actors.js";
import { keepVersionAndChange, openaiValue, ownerRows } from "./rotation-fixtures.js";

const alice: OwnerRef = { type: "user", id: "user_alice_dk" };
const bob: OwnerRef = { type: "user", id: "user_bob_dk" };
const SERVICES = ["openai", "groq", "xai"] as const;
const valueFor = (service: string) =>
  service === "openai" ? openaiValue() : service === "groq" ? `gsk_${openaiValue().slice(8)}` : `xai-${openaiValue().slice(8)}`;

describeEachDatabase("rotate-data-key", (dialect) => {
  let tdb: TestDatabase;
  let server: Runtime;
  let cli: Runtime;
  let deps: DataKeyRotationDeps;
  const values = new Map<string, string>();

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    server = await tdb.runtime();
    cli = await tdb.runtime();
    deps = { db: cli.database.db, dialect: cli.database.dialect, keyring: cli.keyring, audit: cli.audit };
    for (const owner of [alice, bob]) {
      for (const service of SERVICES) {
        const key = await server.keys.create(actorFor(owner), owner, { name: service, service, value: valueFor(service) });
        // Two kept versions per key: the value changed twice.
        for (let i = 0; i < 2; i++) await keepVersionAndChange(server, owner, key.id, valueFor(service));
        values.set(`${owner.id}/${service}`, (await server.keys.reveal(actorFor(owner), owner, key.id)).value as string);
      }
    }
  });
  afterAll(() => tdb.drop());

  it("moves the owner's values and kept versions to a fresh data key, deletes the old one, leaves another owner alone", async () => {
    // The server has alice's old data key cached (a hand-out), as a running server would.
    expect((await server.keys.findUsableKey(LIBRARY_ACTOR, alice, "openai"))?.value).toBe(values.get(`${alice.id}/openai`));
    const aliceBefore = await ownerRows(cli, alice);
    const bobBefore = await ownerRows(cli, bob);
    expect(aliceBefore.dataKeys).toHaveLength(1);
    expect(aliceBefore.kept).toHaveLength(6);

    const result = await rotateOwnerDataKey(deps, alice, { deleteGraceMs: 0 });
    expect(result).toMatchObject({ resumed: false, generation: 2, secrets: 3, versions: 6, failed: [], deleted: [aliceBefore.dataKeys[0].id], kept: [] });
    expect(result?.verification).toEqual({ dataKeys: 1, secrets: 3, versions: 6, failures: [] });

    const aliceAfter = await ownerRows(cli, alice);
    expect(aliceAfter.dataKeys.map((d) => Number(d.generation))).toEqual([2]);
    const newId = aliceAfter.dataKeys[0].id;
    expect(aliceAfter.current.every((r) => r.data_key_id === newId)).toBe(true);
    expect(aliceAfter.kept.every((r) => r.data_key_id === newId)).toBe(true);
    // Every ciphertext is new; the version and updated_at of each key are what they were.
    aliceAfter.current.forEach((r, i) => {
      expect(r.encrypted_value).not.toBe(aliceBefore.current[i].encrypted_value);
      expect([r.version, r.updated_at]).toEqual([aliceBefore.current[i].version, aliceBefore.current[i].updated_at]);
    });
    aliceAfter.kept.forEach((r, i) => expect(r.encrypted_value).not.toBe(aliceBefore.kept[i].encrypted_value));
    expect(await ownerRows(cli, bob)).toEqual(bobBefore);

    // The server (old key cached) and a fresh process hand out and reveal the same values.
    const fresh = await tdb.runtime();
    for (const rt of [server, fresh]) {
      for (const service of SERVICES) {
        expect((await rt.keys.findUsableKey(LIBRARY_ACTOR, alice, service))?.value).toBe(values.get(`${alice.id}/${service}`));
        expect((await rt.keys.findUsableKey(LIBRARY_ACTOR, bob, service))?.value).toBe(values.get(`${bob.id}/${service}`));
      }
    }
    // Kept versions still decrypt (with their own version in the binding).
    expect((await verifyStoredSecrets(fresh.database.db, fresh.keyring)).failures).toEqual([]);

    // The server that had the old key cached writes new secrets under the new generation.
    const created = await server.keys.create(actorFor(alice), alice, { name: "after", service: "openai", value: openaiValue() });
    const row = await cli.database.db.selectFrom("api_keys").select("data_key_id").where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(row.data_key_id).toBe(newId);

    const events = await cli.database.db.selectFrom("audit_events").selectAll().where("action", "=", "admin.rotate_data_key").execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: "system", actor_id: "cli", user_id: alice.id, target_type: "data_key", target_id: newId });
    expect(JSON.parse(events[0].details)).toMatchObject({ generation: 2, secrets: 3, versions: 6, deletedDataKeys: 1, keptDataKeys: 0 });
    for (const v of values.values()) expect(JSON.stringify(events[0])).not.toContain(v);
  });

  it("finishes an interrupted rotation with its generation instead of starting another", async () => {
    // What a run killed right after creating the new generation leaves: bob has two data keys.
    const bobBefore = await ownerRows(cli, bob);
    await cli.database.db
      .insertInto("data_keys")
      .values({ id: "dek_bob_gen2", owner_type: "user", owner_id: bob.id, generation: 2, kek_version: 1, wrapped_key: wrapDataKey(cli.keyring, bob, generateDataKey()), created_at: new Date().toISOString() })
      .execute();
    const result = await rotateOwnerDataKey(deps, bob, { deleteGraceMs: 0 });
    expect(result).toMatchObject({ resumed: true, dataKeyId: "dek_bob_gen2", generation: 2, secrets: 3, versions: 6, deleted: [bobBefore.dataKeys[0].id] });
    for (const service of SERVICES) expect((await server.keys.findUsableKey(LIBRARY_ACTOR, bob, service))?.value).toBe(values.get(`${bob.id}/${service}`));
  });

  it("keeps the old data key for a row that will not open, and reports it; an owner with no data key has nothing to rotate", async () => {
    const carol: OwnerRef = { type: "user", id: "user_carol_dk" };
    const good = await server.keys.create(actorFor(carol), carol, { name: "good", service: "openai", value: openaiValue() });
    const bad = await server.keys.create(actorFor(carol), carol, { name: "bad", service: "groq", value: valueFor("groq") });
    // Tamper: the config edited in the database, so the row's binding no longer matches.
    await cli.database.db.updateTable("api_keys").set({ config: '{"x":1}' }).where("id", "=", bad.id).execute();
    const before = await ownerRows(cli, carol);
    const result = await rotateOwnerDataKey(deps, carol, { deleteGraceMs: 0 });
    expect(result).toMatchObject({ secrets: 1, failed: [`key ${bad.id}`], deleted: [], kept: [before.dataKeys[0].id] });
    expect(result?.verification.failures).toEqual([`key ${bad.id}`]);
    const after = await ownerRows(cli, carol);
    expect(after.current.find((r) => r.id === bad.id)).toEqual(before.current.find((r) => r.id === bad.id));
    expect(after.current.find((r) => r.id === good.id)?.data_key_id).toBe(after.dataKeys[1].id);

    expect(await rotateOwnerDataKey(deps, { type: "user", id: "nobody" })).toBeUndefined();
  });
});
