/**
 * Vault-style: attack the stored bytes. Known secrets must not appear at rest in any encoding,
 * and a ciphertext moved to another row or owner, or with a flipped byte, must not decrypt.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "kysely";
import { describeEachDatabase, createTestDatabase, type TestDatabase } from "../support/databases.js";
import type { Runtime } from "../../src/app/compose.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { DecryptionError } from "../../src/crypto/decryption-error.js";
import { actorFor } from "../support/actors.js";

const alice: OwnerRef = { type: "user", id: "user_alice" };
const bob: OwnerRef = { type: "user", id: "user_bob" };

const SECRETS = {
  openai: "sk-proj-KnownSecret_AtRest-0123456789abcdefXYZ",
  anthropic: "sk-ant-api03-KnownSecretAtRestAnthropic-0123456789",
  aws: { accessKeyId: "AKIAKNOWNSECRET12345", secretAccessKey: "KnownSecretAwsSecretKeyAtRest012345678/+" },
};

/** Every encoding in which a secret could sit in a file: plain, hex, base64 and base64url at all 3 byte alignments. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out = [secret, bytes.toString("hex")];
  for (let a = 0; a < 3; a++) {
    const len = Math.floor((bytes.length - a) / 3) * 3;
    const chunk = bytes.subarray(a, a + len);
    out.push(chunk.toString("base64"), chunk.toString("base64url"));
  }
  return out;
}

const secretStrings = [SECRETS.openai, SECRETS.anthropic, SECRETS.aws.secretAccessKey, SECRETS.openai.slice(8, 40)];

describeEachDatabase("secrets at rest", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    ids.openai = (await rt.keys.create(actorFor(alice), alice, { name: "o", service: "openai", value: SECRETS.openai })).id;
    ids.anthropic = (await rt.keys.create(actorFor(alice), alice, { name: "a", service: "anthropic", value: SECRETS.anthropic })).id;
    ids.aws = (await rt.keys.create(actorFor(alice), alice, { name: "w", service: "aws", value: SECRETS.aws })).id;
    ids.bobOpenai = (await rt.keys.create(actorFor(bob), bob, { name: "o", service: "openai", value: "sk-proj-bobsOwnKey_0123456789abcdefghij" })).id;
    // Update one value too, so old and new ciphertexts both pass through storage.
    await rt.keys.update(actorFor(alice), alice, ids.openai, { value: SECRETS.openai });
  });
  afterAll(() => tdb.drop());

  it("no stored byte holds a secret, in plain text, hex or base64", async () => {
    let haystack: string;
    if (dialect === "sqlite") {
      // Read the database file and its WAL as they are on disk, without checkpointing.
      const files = fs.readdirSync(tdb.dataDir).filter((f) => f.startsWith("keyhaven.db"));
      expect(files).toContain("keyhaven.db");
      haystack = files.map((f) => fs.readFileSync(path.join(tdb.dataDir, f)).toString("latin1")).join("\n");
      expect(haystack.length).toBeGreaterThan(4096);
    } else {
      const parts: string[] = [];
      for (const table of ["api_keys", "data_keys", "master_key_checks", "api_key_versions", "usage_daily"]) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(rt.database.db);
        for (const row of rows) parts.push(...Object.values(row).map((v) => String(v)));
      }
      haystack = parts.join("\n");
    }
    expect(haystack).toContain(ids.openai); // the haystack is the real data
    for (const secret of secretStrings) {
      for (const enc of encodingsOf(secret)) expect(haystack.includes(enc), `found ${secret.slice(0, 6)}… encoded`).toBe(false);
    }
    expect(haystack.includes(tdb.masterKey)).toBe(false);
  });

  it("the masked value is the only trace, and it reveals at most prefix + 4", async () => {
    const row = await rt.database.db.selectFrom("api_keys").selectAll().where("id", "=", ids.openai).executeTakeFirstOrThrow();
    expect(row.masked_value).toBe("sk-…fXYZ");
    expect(row.encrypted_value).toMatch(/^kh2\./);
  });

  async function withStoredCiphertext(targetId: string, ciphertext: string, dataKeyId?: string) {
    const db = rt.database.db;
    const before = await db.selectFrom("api_keys").select(["encrypted_value", "data_key_id"]).where("id", "=", targetId).executeTakeFirstOrThrow();
    await db
      .updateTable("api_keys")
      .set({ encrypted_value: ciphertext, ...(dataKeyId ? { data_key_id: dataKeyId } : {}) })
      .where("id", "=", targetId)
      .execute();
    return () => db.updateTable("api_keys").set(before).where("id", "=", targetId).execute();
  }

  it("a ciphertext copied onto another key row of the same owner fails to decrypt", async () => {
    const src = await rt.database.db.selectFrom("api_keys").select("encrypted_value").where("id", "=", ids.openai).executeTakeFirstOrThrow();
    const restore = await withStoredCiphertext(ids.anthropic, src.encrypted_value);
    await expect(rt.keys.reveal(actorFor(alice), alice, ids.anthropic)).rejects.toThrow(DecryptionError);
    await restore();
    expect((await rt.keys.reveal(actorFor(alice), alice, ids.anthropic)).value).toBe(SECRETS.anthropic);
  });

  it("a ciphertext and data key id copied onto another owner's row fail to decrypt", async () => {
    const src = await rt.database.db
      .selectFrom("api_keys")
      .select(["encrypted_value", "data_key_id"])
      .where("id", "=", ids.openai)
      .executeTakeFirstOrThrow();
    const restore = await withStoredCiphertext(ids.bobOpenai, src.encrypted_value, src.data_key_id);
    await expect(rt.keys.reveal(actorFor(bob), bob, ids.bobOpenai)).rejects.toThrow("Decryption failed");
    // A fresh instance (cold data-key cache) refuses it as well.
    const cold = await tdb.runtime();
    await expect(cold.keys.findUsableKey(actorFor(bob), bob, "openai")).rejects.toThrow(DecryptionError);
    await cold.close();
    await restore();
  });

  it("a flipped character in a stored ciphertext or wrapped data key fails with the generic error", async () => {
    const db = rt.database.db;
    // Opened once first: what this runtime keeps of an opened secret must not outlive its bytes.
    expect((await rt.keys.reveal(actorFor(alice), alice, ids.aws)).value).toEqual(SECRETS.aws);
    const row = await db.selectFrom("api_keys").select(["encrypted_value", "data_key_id"]).where("id", "=", ids.aws).executeTakeFirstOrThrow();
    const body = row.encrypted_value;
    const i = body.length - 10;
    const flipped = body.slice(0, i) + (body[i] === "A" ? "B" : "A") + body.slice(i + 1);
    const restore = await withStoredCiphertext(ids.aws, flipped);
    await expect(rt.keys.reveal(actorFor(alice), alice, ids.aws)).rejects.toThrow("Decryption failed");
    await restore();

    const dek = await db.selectFrom("data_keys").select("wrapped_key").where("id", "=", row.data_key_id).executeTakeFirstOrThrow();
    const w = dek.wrapped_key;
    const j = w.length - 12;
    await db
      .updateTable("data_keys")
      .set({ wrapped_key: w.slice(0, j) + (w[j] === "A" ? "B" : "A") + w.slice(j + 1) })
      .where("id", "=", row.data_key_id)
      .execute();
    const cold = await tdb.runtime();
    await expect(cold.keys.reveal(actorFor(alice), alice, ids.aws)).rejects.toThrow("Decryption failed");
    await cold.close();
    await db.updateTable("data_keys").set({ wrapped_key: w }).where("id", "=", row.data_key_id).execute();
    expect((await rt.keys.reveal(actorFor(alice), alice, ids.aws)).value).toEqual(SECRETS.aws);
  });
});
