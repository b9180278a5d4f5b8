/**
 * Finds the master key (KEK) at start: KEYHAVEN_MASTER_KEY, else `<data dir>/master.key`
 * outside production (generated once, mode 0600). Every problem is a one-line StartupError.
 */
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../platform/config.js";
import { openToOthers } from "../platform/private-files.js";
import { EXIT, StartupError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { generateMasterKeyBase64, parseMasterKeyBase64 } from "./master-keyring.js";

export const MASTER_KEY_FILE_NAME = "master.key";
const HOW_TO_MAKE = "make one with: openssl rand -base64 32";

export interface LoadedMasterKey {
  key: Buffer;
  source: "env" | "file" | "generated";
  file?: string;
}

function parseOrFail(text: string, what: string): Buffer {
  try {
    return parseMasterKeyBase64(text);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Master key/, "master key");
    throw new StartupError(`${what}: ${reason}; ${HOW_TO_MAKE}`, EXIT.CONFIG);
  }
}

/**
 * The master key checks that need neither the database nor the data dir: KEYHAVEN_MASTER_KEY
 * well-formed, or present in production. Run before anything is created or migrated.
 */
export function masterKeyFromEnvironment(config: Config): Buffer | undefined {
  if (config.masterKey) return parseOrFail(config.masterKey, "KEYHAVEN_MASTER_KEY is invalid");
  if (config.isProduction) {
    throw new StartupError(
      `KEYHAVEN_MASTER_KEY is required when NODE_ENV=production (base64 of 32 random bytes); ${HOW_TO_MAKE}`,
      EXIT.CONFIG,
    );
  }
  return undefined;
}

/**
 * KEYHAVEN_PREVIOUS_MASTER_KEYS, each key checked like KEYHAVEN_MASTER_KEY (config.ts has checked
 * the `version:key` shape). The message names the version, never the key.
 */
export function previousMasterKeysFromEnvironment(config: Config): { version: number; key: Buffer }[] {
  return config.previousMasterKeys.map(({ version, key }) => ({
    version,
    key: parseOrFail(key, `KEYHAVEN_PREVIOUS_MASTER_KEYS: the key of version ${version} is invalid`),
  }));
}

const cannotRead = (file: string, code: string | undefined) =>
  new StartupError(`cannot read master key file ${file} (${code}); fix its permissions or set KEYHAVEN_MASTER_KEY`, EXIT.CONFIG);

/**
 * The key file's text, or undefined when there is none. A file that group or others may read
 * or change is refused, as ssh refuses a private key: the mode is checked on the opened file.
 */
function readKeyFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw cannotRead(file, code);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw cannotRead(file, stat.isDirectory() ? "EISDIR" : "not a regular file");
    if (openToOthers(stat.mode)) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
      throw new StartupError(
        `master key file ${file} is accessible by group or others (mode ${mode}); restrict it with: chmod 600 ${file}`,
        EXIT.CONFIG,
      );
    }
    return fs.readFileSync(fd, "utf8");
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw cannotRead(file, (err as NodeJS.ErrnoException).code);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * @param masterKeyWasUsed (see keys/key-check-store.ts) when true and no key can be found, refuse
 *   instead of generating: a fresh key could never decrypt what is already stored.
 */
export function loadMasterKey(config: Config, logger: Logger, masterKeyWasUsed: boolean): LoadedMasterKey {
  const fromEnv = masterKeyFromEnvironment(config);
  if (fromEnv) return { key: fromEnv, source: "env" };

  const file = path.join(config.dataDir, MASTER_KEY_FILE_NAME);
  const text = readKeyFile(file);
  if (text !== undefined) {
    return { key: parseOrFail(text, `master key file ${file} is corrupt`), source: "file", file };
  }

  if (masterKeyWasUsed) {
    throw new StartupError(
      `the database was set up with a master key, but none was found: ${file} is missing and KEYHAVEN_MASTER_KEY is unset; restore the master key from your backup`,
      EXIT.CONFIG,
    );
  }
  const generated = generateMasterKeyBase64();
  try {
    // 'wx': never overwrite a key another process wrote a moment ago.
    fs.writeFileSync(file, generated + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return loadMasterKey(config, logger, masterKeyWasUsed);
    throw new StartupError(`cannot write master key file ${file} (${code}); set KEYHAVEN_DATA_DIR to a writable directory`, EXIT.DATA_DIR_NOT_WRITABLE);
  }
  logger.warn(
    `Generated a new master key in ${file} (mode 0600). Back it up: without it stored keys cannot be decrypted. ` +
      `For production set KEYHAVEN_MASTER_KEY instead (base64 of 32 bytes; ${HOW_TO_MAKE}).`,
  );
  return { key: parseMasterKeyBase64(generated), source: "generated", file };
}
