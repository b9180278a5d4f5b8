/**
 * Builds a running Keyhaven core from a config: database (migrated), master key (verified
 * against the stored key check), data keys and the key service. Used by the server, the CLI
 * and the library alike, so all three start the same way.
 */
import type { Config } from "./config.js";
import { verifyOrRecordKeyCheck, databaseHasEncryptedData } from "./crypto/key-check-store.js";
import { loadMasterKey } from "./crypto/master-key-loader.js";
import { createMasterKeyring, type MasterKeyring } from "./crypto/master-keyring.js";
import { createOwnerDataKeys, type OwnerDataKeys } from "./crypto/owner-data-keys.js";
import { openDatabase, type DatabaseHandle } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";
import type { Logger } from "./logger.js";
import { createKeyService, type KeyService } from "./keys/key-service.js";
import { createKeyStore } from "./keys/key-store.js";

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  keyring: MasterKeyring;
  dataKeys: OwnerDataKeys;
  keys: KeyService;
  /** Flush what is buffered and close the database. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  pgSchema?: string;
  now?: () => Date;
}

export async function createRuntime(config: Config, logger: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: opts.pgSchema });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ migrations: applied }, "database migrated");

    const master = loadMasterKey(config, logger, await databaseHasEncryptedData(database.db));
    await verifyOrRecordKeyCheck(database.db, master.key, config.masterKeyVersion);
    const keyring = createMasterKeyring([{ version: config.masterKeyVersion, key: master.key }], config.masterKeyVersion);

    const dataKeys = createOwnerDataKeys({ db: database.db, keyring });
    const keys = createKeyService({
      store: createKeyStore(database.db),
      dataKeys,
      now: opts.now,
      allowHttpHosts: config.allowHttpHosts,
    });

    let closing: Promise<void> | undefined;
    return {
      config,
      logger,
      database,
      keyring,
      dataKeys,
      keys,
      close: () => (closing ??= database.close()),
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
