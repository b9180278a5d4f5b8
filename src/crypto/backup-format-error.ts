/** Why a backup file was refused; the restore command can decide on its exit code from it. */
export type BackupFormatFailure = "truncated" | "tampered" | "wrong-passphrase" | "newer-version" | "not-a-backup";

const MESSAGES: Record<Exclude<BackupFormatFailure, "newer-version">, string> = {
  truncated: "The backup file is incomplete: it ends before its last part (was the copy cut short?)",
  tampered: "The backup file is damaged or was altered",
  "wrong-passphrase": "Wrong passphrase, or the file is damaged",
  "not-a-backup": "This is not a Keyhaven backup file",
};

/**
 * The one error reading a backup throws. Like DecryptionError its message never carries key,
 * passphrase or plaintext; unlike it, it says which of a few things went wrong, because the
 * person restoring can act on that (retype the passphrase, upgrade, find an intact copy).
 */
export class BackupFormatError extends Error {
  readonly reason: BackupFormatFailure;

  constructor(reason: Exclude<BackupFormatFailure, "newer-version">, detail?: string);
  constructor(reason: "newer-version", formatVersion: number);
  constructor(reason: BackupFormatFailure, extra?: string | number) {
    super(
      reason === "newer-version"
        ? `This backup was written by a newer Keyhaven (format ${String(extra)}); upgrade to restore it`
        : extra === undefined
          ? MESSAGES[reason]
          : `${MESSAGES[reason]}: ${String(extra)}`,
    );
    this.name = "BackupFormatError";
    this.reason = reason;
  }
}
