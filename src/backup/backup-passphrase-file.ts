/**
 * The passphrase in a file: its first line, the line ending dropped (a trailing newline is how
 * editors and `echo` leave it). The CLI reads one with --passphrase-file; the server reads
 * KEYHAVEN_BACKUP_PASSPHRASE_FILE once at start, so a bad one stops the start, not a backup hours later.
 */
import fs from "node:fs";
import { MIN_PASSPHRASE_CHARS } from "../crypto/backup-kdf.js";
import { EXIT, StartupError } from "../platform/errors.js";

export const passphraseOfFileText = (text: string): string => text.split("\n", 1)[0].replace(/\r$/, "");

/** The scheduled backups' passphrase; a StartupError (configuration) naming the file, never its content. */
export function loadScheduledBackupPassphrase(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new StartupError(`cannot read KEYHAVEN_BACKUP_PASSPHRASE_FILE ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`, EXIT.CONFIG);
  }
  const passphrase = passphraseOfFileText(text);
  if ([...passphrase.normalize("NFC")].length < MIN_PASSPHRASE_CHARS) {
    throw new StartupError(`the backup passphrase in KEYHAVEN_BACKUP_PASSPHRASE_FILE ${file} (its first line) must be at least ${MIN_PASSPHRASE_CHARS} characters long`, EXIT.CONFIG);
  }
  return passphrase;
}
