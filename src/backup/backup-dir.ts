/**
 * The scheduled backups' directory: files named `keyhaven-<UTC time>.khbk` (ISO-8601 without
 * colons, which some filesystems refuse), so names sort by time. Rotation only ever looks at
 * names of exactly that shape: anything else in the directory (an operator's own copies, a
 * partial file being written) is never touched.
 */
import fs from "node:fs";
import path from "node:path";

const NAME = /^keyhaven-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z\.khbk$/;

/** `keyhaven-2026-11-29T183700Z.khbk` for 2026-11-29T18:37:00.xxxZ. */
export function backupFileName(at: Date): string {
  return `keyhaven-${at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "")}.khbk`;
}

/** When a backup file of ours was taken, from its name; undefined for any other name. */
export function backupFileTime(name: string): Date | undefined {
  const m = NAME.exec(name);
  return m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : undefined;
}

/** Our backup files in `dir`, newest first (none when the directory does not exist). */
export function listBackupFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names.filter((n) => NAME.test(n)).sort().reverse();
}

/** The time of the newest backup file in `dir`. */
export function newestBackupAt(dir: string): Date | undefined {
  const newest = listBackupFiles(dir)[0];
  return newest === undefined ? undefined : backupFileTime(newest);
}

/** Deletes all but the newest `keep` backup files; returns the names deleted. */
export function rotateBackups(dir: string, keep: number): string[] {
  const doomed = listBackupFiles(dir).slice(keep);
  for (const name of doomed) fs.rmSync(path.join(dir, name), { force: true });
  return doomed;
}
