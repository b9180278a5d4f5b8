/**
 * `keyhaven rotate-data-key --owner user:ID|team:ID` (or `--user EMAIL|ID`): one owner's keys and
 * kept versions re-encrypted under a fresh data key, the old one deleted once unreferenced, then
 * verified. Safe while servers run; killed, it is run again and finishes the same rotation.
 */
import { loadConfig } from "../../platform/config.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime, type Runtime } from "../../app/compose.js";
import { StartupError } from "../../platform/errors.js";
import type { OwnerRef } from "../../access/owner.js";
import { rotateOwnerDataKey } from "../../keys/data-key-rotation.js";
import { printFailures, throttled } from "./rotation-output.js";

const USAGE = "usage: keyhaven rotate-data-key --owner user:ID|team:ID   (or --user EMAIL|ID)";

type OwnerArg = { owner: OwnerRef } | { user: string };

function parseArgs(args: string[]): OwnerArg {
  const usage = (why: string) => new StartupError(`${why}\n${USAGE}`, 64);
  if (args.length !== 2) throw usage(args.length ? "give exactly one --owner or --user" : "name the owner whose data key to rotate");
  const [flag, value] = args;
  if (flag === "--user" && value.trim()) return { user: value.trim() };
  if (flag !== "--owner") throw usage(`unknown argument "${flag}"`);
  const m = /^(user|team):(.+)$/.exec(value);
  if (!m) throw usage("--owner must be user:<id> or team:<id>");
  return { owner: { type: m[1] as OwnerRef["type"], id: m[2] } };
}

/** `--user`: an email (as better-auth stores it, lower-cased) or an account id. */
async function resolveOwner(runtime: Runtime, arg: OwnerArg): Promise<OwnerRef> {
  if ("owner" in arg) return arg.owner;
  const byEmail = arg.user.includes("@");
  const row = await runtime.database.db
    .selectFrom("user")
    .select("id")
    .where(byEmail ? "email" : "id", "=", byEmail ? arg.user.toLowerCase() : arg.user)
    .executeTakeFirst();
  if (!row) throw new StartupError(`no account ${byEmail ? "with the email" : "with the id"} ${arg.user}`, 1);
  return { type: "user", id: row.id };
}

export async function rotateDataKeyCommand(args: string[]): Promise<void> {
  if (args[0] === "--help" || args[0] === "-h") {
    process.stdout.write(`${USAGE}\nre-encrypts the owner's keys and kept versions under a fresh data key, deletes the old one once unreferenced, verifies\n`);
    return;
  }
  const arg = parseArgs(args);
  const config = loadConfig();
  const runtime = await createRuntime(config, createLogger(config.logLevel, undefined, config.logFormat));
  try {
    const owner = await resolveOwner(runtime, arg);
    const label = `${owner.type}:${owner.id}`;
    const progress = throttled();
    const result = await rotateOwnerDataKey(
      { db: runtime.database.db, dialect: runtime.database.dialect, keyring: runtime.keyring, audit: runtime.audit },
      owner,
      { onProgress: ({ moved }) => progress(false) && process.stdout.write(`re-encrypting: ${moved} done\n`) },
    );
    if (!result) {
      process.stdout.write(`${label} has no data key (nothing stored yet): nothing to rotate\n`);
      return;
    }
    process.stdout.write(
      `${result.resumed ? "finished the rotation under way: " : ""}${label} now uses data key generation ${result.generation}: ` +
        `re-encrypted ${result.secrets} key(s) and ${result.versions} kept version(s); deleted ${result.deleted.length} old data key(s)\n`,
    );
    const { dataKeys, secrets, versions, failures } = result.verification;
    process.stdout.write(`verified: ${dataKeys} data key(s), ${secrets} key(s), ${versions} kept version(s); ${failures.length} failed\n`);
    printFailures(result.failed, "could not be re-encrypted (left under its old data key)");
    printFailures(failures, "does not decrypt");
    if (result.kept.length) {
      process.stderr.write(`keyhaven: kept ${result.kept.length} old data key(s) still in use; run keyhaven rotate-data-key again to finish\n`);
    }
    if (result.failed.length || failures.length || result.kept.length) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}
