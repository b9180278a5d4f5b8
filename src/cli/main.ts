/**
 * `keyhaven serve | migrate | generate-key | reseal`. Start-up failures are printed as one line
 * (`keyhaven: …`) with a documented exit code, never as a stack trace.
 */
import { loadConfig } from "../platform/config.js";
import { generateMasterKeyBase64 } from "../crypto/master-keyring.js";
import { openDatabase } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { StartupError } from "../platform/errors.js";
import { createApp } from "../http/app.js";
import { resealLegacySecrets } from "../keys/reseal.js";
import { listen } from "../http/server.js";
import { createLogger } from "../platform/logger.js";
import { composeServer, createRuntime } from "../app/compose.js";

const USAGE = `usage: keyhaven <command>

commands:
  serve          start the web app and API (default)
  migrate        apply database migrations and exit
  generate-key   print a new master key (base64 of 32 random bytes) for KEYHAVEN_MASTER_KEY
  reseal         re-encrypt keys stored in the old kh1 format as kh2 (binds config and version)
`;

async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = await createRuntime(config, logger);
  let server;
  try {
    server = await listen(createApp(runtime, await composeServer(runtime)), runtime, config.port, config.host);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const shutdown = (signal: string) => {
    logger.info(`${signal} received, shutting down`);
    // Longer than a key test's 10 s timeout, so in-flight answers and the usage flush can finish.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err: { message: (err as Error).message } }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // Only now: a supervisor (or a test) that signals as soon as it reads this line must not
  // hit the default action, which kills the process without a flush.
  logger.info(`Keyhaven listening on ${server.url} (database: ${runtime.database.dialect}, ${runtime.database.location})`);
}

async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}\n` : `database is up to date (${database.dialect})\n`,
    );
  } finally {
    await database.close();
  }
}

/** Progress at most once a second (and at the end), so a million rows do not flood a terminal. */
async function resealCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = await createRuntime(config, logger);
  try {
    let lastPrint = 0;
    const result = await resealLegacySecrets(runtime.database.db, runtime.keys, ({ done, total }) => {
      const t = Date.now();
      if (done > 0 && done < total && t - lastPrint < 1000) return;
      lastPrint = t;
      if (done === 0) process.stdout.write(`${total} key(s) in the kh1 format\n`);
      else process.stdout.write(`resealing: ${done}/${total}\n`);
    });
    for (const id of result.failed) process.stderr.write(`keyhaven: could not reseal key ${id}: Decryption failed\n`);
    process.stdout.write(`resealed ${result.resealed} key(s) as kh2${result.failed.length ? `; ${result.failed.length} failed` : ""}\n`);
    if (result.failed.length) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? "serve";
  try {
    if (command === "serve") await serveCommand();
    else if (command === "migrate") await migrateCommand();
    else if (command === "reseal") await resealCommand();
    else if (command === "generate-key") process.stdout.write(generateMasterKeyBase64() + "\n");
    else if (command === "help" || command === "--help" || command === "-h") process.stdout.write(USAGE);
    else {
      process.stderr.write(`keyhaven: unknown command "${command}"\n${USAGE}`);
      process.exitCode = 64;
    }
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`keyhaven: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`keyhaven: unexpected error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
