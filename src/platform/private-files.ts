/**
 * Owner-only modes for what Keyhaven keeps on disk. Secrets are encrypted, but the database
 * also holds wrapped data keys, session tokens and emails: nothing for other local users.
 */
import fs from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** True when group or others have any permission on a file of this mode (POSIX only). */
export function openToOthers(mode: number): boolean {
  return process.platform !== "win32" && (mode & 0o077) !== 0;
}

/**
 * Creates `file` empty with mode 0600 when it is missing, and takes group/other permissions
 * off one that exists (written by an older version, or under a loose umask). SQLite gives its
 * -wal and -shm files the mode of the database file, so creating that one first is enough for
 * new files; the existing ones are passed here too.
 */
export function ensurePrivateFile(file: string, opts: { create: boolean }): void {
  if (opts.create) fs.closeSync(fs.openSync(file, "a", PRIVATE_FILE_MODE));
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (!openToOthers(mode)) return;
  try {
    fs.chmodSync(file, mode & 0o700);
  } catch (err) {
    // Another user's file (a process sharing the database): its owner decides.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
  }
}
