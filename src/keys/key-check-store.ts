/**
 * The stored key check value: written at first start for each master key version, compared at
 * every later start, so a wrong KEYHAVEN_MASTER_KEY is refused before any decrypt is attempted.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { EXIT, StartupError } from "../platform/errors.js";
import { computeKeyCheckValue, keyCheckMatches } from "../crypto/key-check.js";

/**
 * Whether a master key was ever used with this database: a key check was recorded or a data
 * key was wrapped. Then start-up must find that key rather than generate a new one, even with
 * zero API keys stored (the data keys and the key check still belong to the old one). A data
 * key without a key check (a check row lost in a partial restore) counts too.
 */
export async function masterKeyWasUsed(db: Kysely<Database>): Promise<boolean> {
  const [check, dataKey] = await Promise.all([
    db.selectFrom("master_key_checks").select("kek_version").limit(1).executeTakeFirst(),
    db.selectFrom("data_keys").select("id").limit(1).executeTakeFirst(),
  ]);
  return check !== undefined || dataKey !== undefined;
}

export async function verifyOrRecordKeyCheck(db: Kysely<Database>, kek: Buffer, kekVersion: number): Promise<"recorded" | "verified"> {
  const row = await db
    .selectFrom("master_key_checks")
    .select("check_value")
    .where("kek_version", "=", kekVersion)
    .executeTakeFirst();
  if (row) {
    if (!keyCheckMatches(kek, row.check_value)) {
      throw new StartupError(
        `the master key does not match the one this database was encrypted with (key check failed for master key version ${kekVersion}); ` +
          `set KEYHAVEN_MASTER_KEY (or <data dir>/master.key) to the original key`,
        EXIT.MASTER_KEY_MISMATCH,
      );
    }
    return "verified";
  }
  const other = await db.selectFrom("master_key_checks").select("kek_version").executeTakeFirst();
  if (other) {
    // Data exists under another version: a new version is only legitimate through rotation.
    throw new StartupError(
      `this database was encrypted with master key version ${other.kek_version}, but the configured key is version ${kekVersion}; ` +
        `set KEYHAVEN_MASTER_KEY_VERSION to the version of the key you provide`,
      EXIT.MASTER_KEY_MISMATCH,
    );
  }
  await db
    .insertInto("master_key_checks")
    .values({ kek_version: kekVersion, check_value: computeKeyCheckValue(kek), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("kek_version").doNothing())
    .execute();
  // Another instance may have won the race with a different key: verify what was stored.
  await verifyOrRecordKeyCheck(db, kek, kekVersion);
  return "recorded";
}
