/**
 * `keyhaven rotate-master-key`: re-wraps every data key under KEYHAVEN_MASTER_KEY_VERSION (the
 * older keys in KEYHAVEN_PREVIOUS_MASTER_KEYS), then verifies that everything stored opens.
 * Safe while servers run; killed, it is simply run again. Exit 1 names what does not open.
 */
import { loadConfig } from "../../platform/config.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime } from "../../app/compose.js";
import { StartupError } from "../../platform/errors.js";
import { rotateMasterKey } from "../../keys/master-key-rotation.js";
import { printFailures, throttled } from "./rotation-output.js";

const USAGE = "usage: keyhaven rotate-master-key [--batch-size N]";

/** `--batch-size N` (rows per transaction; default 2,000): smaller batches hold each transaction shorter. */
export function parseBatchSize(args: string[], usage: string): number | undefined {
  const i = args.indexOf("--batch-size");
  if (i < 0) return undefined;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new StartupError(`--batch-size must be a whole number from 1 to 10000\n${usage}`, 64);
  args.splice(i, 2);
  return n;
}

export async function rotateMasterKeyCommand(argv: string[]): Promise<void> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${USAGE}\nre-wraps every data key under KEYHAVEN_MASTER_KEY_VERSION (older keys in KEYHAVEN_PREVIOUS_MASTER_KEYS=version:base64,…), then verifies every key decrypts\n`);
    return;
  }
  const args = [...argv];
  const batchSize = parseBatchSize(args, USAGE);
  if (args.length) throw new StartupError(`unknown argument "${args[0]}"\n${USAGE}`, 64);
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = await createRuntime(config, logger);
  try {
    const to = runtime.keyring.currentVersion;
    const rewrapping = throttled();
    const verifying = throttled();
    const { rewrap, remaining, verification } = await rotateMasterKey(
      { db: runtime.database.db, dialect: runtime.database.dialect, keyring: runtime.keyring, audit: runtime.audit },
      {
        batchSize,
        onRewrap: ({ done, total }) => {
          if (done === 0) process.stdout.write(`${total} data key(s) to re-wrap under master key version ${to}\n`);
          else if (rewrapping(done === total)) process.stdout.write(`rewrapping: ${done}/${total}\n`);
        },
        onVerify: ({ checked }) => {
          if (verifying(false)) process.stdout.write(`verifying: ${checked} checked\n`);
        },
      },
    );
    process.stdout.write(
      `re-wrapped ${rewrap.rewrapped} data key(s) under master key version ${to}` +
        (rewrap.fromVersions.length ? ` (from version ${rewrap.fromVersions.join(", ")})` : "") +
        (rewrap.failed.length ? `; ${rewrap.failed.length} could not be unwrapped and were left as they are` : "") +
        "\n",
    );
    const { dataKeys, secrets, versions, failures } = verification;
    process.stdout.write(`verified: ${dataKeys} data key(s), ${secrets} key(s), ${versions} kept version(s); ${failures.length} failed\n`);
    printFailures(
      rewrap.failed.map((id) => `data key ${id}`),
      "does not unwrap with the configured master keys (left as it is)",
    );
    printFailures(failures, "does not decrypt");
    if (remaining > 0) {
      process.stderr.write(`keyhaven: ${remaining} data key(s) are still not under master key version ${to}; keep the old key configured, fix them and run keyhaven rotate-master-key again\n`);
    } else if (config.previousMasterKeys.length) {
      process.stdout.write(`no data key needs an older master key now: KEYHAVEN_PREVIOUS_MASTER_KEYS can be removed (restart the servers after)\n`);
    }
    if (rewrap.failed.length || failures.length || remaining > 0) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}
