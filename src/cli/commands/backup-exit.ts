/**
 * Exit codes of `keyhaven backup` and `keyhaven restore` (documented in the README), and the one
 * line a failure prints. A backup file that cannot be used says why in words the operator can act
 * on (retype the passphrase, find an intact copy, upgrade); nothing ever prints a secret.
 */
import { BackupFormatError } from "../../crypto/backup-format-error.js";
import { AppError, StartupError } from "../../platform/errors.js";

export const BACKUP_EXIT = {
  /** Anything else: a database or disk error, restored data that does not verify. */
  FAILED: 1,
  /** Wrong arguments, no way to get the passphrase, passphrases that differ or are too short. */
  USAGE: 64,
  /** The file is not a usable backup: wrong passphrase, damaged, cut short, newer, not a backup. */
  BAD_BACKUP: 65,
  /** The backup file or the passphrase file cannot be read. */
  NO_INPUT: 66,
  /** Refused without --force: the output file exists, or the target database is not empty. */
  WOULD_REPLACE: 73,
  /** Ctrl-C / SIGTERM (128 + the signal). */
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

export const backupFailure = (message: string, exitCode: number) => new StartupError(message, exitCode);

/** What a failed write's system error code means, in the operator's words. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large for this process's file size limit (ulimit -f)",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EIO: "input/output error",
};

/** A backup file that could not be written (the partial file is already removed): one line, exit 1. */
export function backupWriteFailure(out: string, code: string) {
  const what = WRITE_ERRORS[code] ?? `cannot write (${code})`;
  return backupFailure(`${what} writing the backup ${out}; no backup was written`, BACKUP_EXIT.FAILED);
}

/** The error a backup or restore failure ends the command with (printed as one line by main.ts). */
export function asBackupFailure(err: unknown): unknown {
  if (err instanceof StartupError) return err;
  if (err instanceof BackupFormatError) {
    return backupFailure(`${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}; nothing was restored`, BACKUP_EXIT.BAD_BACKUP);
  }
  if (err instanceof AppError) {
    // restore-writer's unusableSnapshot: the file decrypted but its content is not a snapshot this version restores.
    if (err.code === "VALIDATION_ERROR") return backupFailure(`${err.message}; nothing was restored`, BACKUP_EXIT.BAD_BACKUP);
    if (err.code === "CONFLICT") return backupFailure(err.message, BACKUP_EXIT.WOULD_REPLACE);
    return backupFailure(err.message, BACKUP_EXIT.FAILED);
  }
  return err;
}
