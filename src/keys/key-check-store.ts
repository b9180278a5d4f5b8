/**
 * The stored key check value: written at first start for each master key version, compared at
 * every later start, so a wrong KEYHAVEN_MASTER_KEY (or previous key) is refused before any
 * decrypt is attempted.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { EXIT, StartupError } from "../platform/errors.js";
import { computeKeyCheckValue, keyCheckMatches } from "../crypto/key-check.js";
import type { Logger } from "../platform/logger.js";

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

export interface ConfiguredMasterKey {
  version: number;
  key: Buffer;
}

const mismatch = (version: number, where: string) =>
  new StartupError(
    `the master key does not match the one this database was encrypted with (key check failed for master key version ${version}); ` +
      `set ${where} to the original key`,
    EXIT.MASTER_KEY_MISMATCH,
  );

/**
 * Start-up's master key checks, before any decrypt. Every configured key that has a key check
 * must match it. The current version gets its check recorded on a fresh database, or when a
 * previous configured version matched its own check: that is a rotation, and the operator who
 * holds the old key may introduce a new one. Anything else (a new version out of nowhere) is
 * refused. Versions that have a key check but are no longer configured are retired: refused
 * while a data key is still wrapped under one, confirmed in the log once none is.
 */
export async function checkMasterKeys(
  db: Kysely<Database>,
  keys: readonly ConfiguredMasterKey[],
  currentVersion: number,
  logger: Pick<Logger, "info" | "warn">,
): Promise<void> {
  const current = keys.find((k) => k.version === currentVersion);
  if (!current) throw new Error(`current master key version ${currentVersion} is not configured`);
  const previous = keys.filter((k) => k.version !== currentVersion);
  const same = previous.find((k) => k.key.equals(current.key));
  if (same) {
    throw new StartupError(
      `KEYHAVEN_PREVIOUS_MASTER_KEYS: version ${same.version} is the same key as the current master key; a rotation needs a new key (openssl rand -base64 32)`,
      EXIT.CONFIG,
    );
  }

  const checks = new Map((await db.selectFrom("master_key_checks").select(["kek_version", "check_value"]).execute()).map((r) => [Number(r.kek_version), r.check_value]));
  for (const k of keys) {
    const stored = checks.get(k.version);
    if (stored !== undefined && !keyCheckMatches(k.key, stored)) {
      throw mismatch(k.version, k === current ? "KEYHAVEN_MASTER_KEY (or <data dir>/master.key)" : `the version ${k.version} entry of KEYHAVEN_PREVIOUS_MASTER_KEYS`);
    }
  }
  const unknown = previous.filter((k) => !checks.has(k.version)).map((k) => k.version);
  if (unknown.length) {
    logger.warn(`KEYHAVEN_PREVIOUS_MASTER_KEYS: this database has never used master key version ${unknown.join(", ")}; it unwraps nothing here and can be removed`);
  }

  if (!checks.has(currentVersion)) {
    const rotation = previous.some((k) => checks.has(k.version));
    if (checks.size > 0 && !rotation) {
      const known = [...checks.keys()].sort((a, b) => a - b).join(", ");
      // Data exists under another version: a new version is only legitimate through rotation.
      throw new StartupError(
        `this database was encrypted with master key version ${known}, but the configured key is version ${currentVersion}; ` +
          `set KEYHAVEN_MASTER_KEY_VERSION to the version of the key you provide, or, to rotate, also set KEYHAVEN_PREVIOUS_MASTER_KEYS=<old version>:<old key>`,
        EXIT.MASTER_KEY_MISMATCH,
      );
    }
    await recordKeyCheck(db, current.key, currentVersion);
    if (rotation) logger.info(`master key version ${currentVersion} recorded as the current master key; run keyhaven rotate-master-key to re-wrap the data keys under it`);
  }

  await refuseRetiredVersionsInUse(db, [...checks.keys()].filter((v) => !keys.some((k) => k.version === v)), logger);
}

/** Records the key check of a new version; another instance may have won the race with a different key. */
async function recordKeyCheck(db: Kysely<Database>, kek: Buffer, kekVersion: number): Promise<void> {
  await db
    .insertInto("master_key_checks")
    .values({ kek_version: kekVersion, check_value: computeKeyCheckValue(kek), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("kek_version").doNothing())
    .execute();
  const row = await db.selectFrom("master_key_checks").select("check_value").where("kek_version", "=", kekVersion).executeTakeFirstOrThrow();
  if (!keyCheckMatches(kek, row.check_value)) throw mismatch(kekVersion, "KEYHAVEN_MASTER_KEY (or <data dir>/master.key)");
}

/**
 * A version with a key check that is no longer configured: scanned for here (only then, so a
 * normal start reads no data_keys), refused while any data key still needs it.
 */
async function refuseRetiredVersionsInUse(db: Kysely<Database>, retired: number[], logger: Pick<Logger, "info">): Promise<void> {
  if (retired.length === 0) return;
  const inUse = await db
    .selectFrom("data_keys")
    .select((eb) => ["kek_version", eb.fn.countAll<number | string>().as("count")])
    .where("kek_version", "in", retired)
    .groupBy("kek_version")
    .execute();
  const first = inUse[0];
  if (first) {
    const version = Number(first.kek_version);
    throw new StartupError(
      `${Number(first.count)} data key(s) are still wrapped under master key version ${version}, which is no longer configured; ` +
        `put it back in KEYHAVEN_PREVIOUS_MASTER_KEYS (${version}:<key>) and run keyhaven rotate-master-key before removing it`,
      EXIT.MASTER_KEY_MISMATCH,
    );
  }
  logger.info(`master key version ${retired.join(", ")} is no longer configured and no data key needs it`);
}
