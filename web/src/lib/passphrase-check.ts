/** The export form's own checks, before a second of key derivation is spent on the server. */
import { BACKUP_PASSPHRASE_MIN } from "../../../src/shared/backup-passphrase.js";

export { BACKUP_PASSPHRASE_MIN };

export interface PassphraseErrors {
  passphrase?: string;
  confirm?: string;
}

/** Counted as the server counts: characters after NFC, not UTF-16 units. */
export const passphraseLength = (value: string) => [...value.normalize("NFC")].length;

export function checkNewPassphrase(passphrase: string, confirm: string): PassphraseErrors {
  const errors: PassphraseErrors = {};
  if (passphraseLength(passphrase) < BACKUP_PASSPHRASE_MIN) {
    errors.passphrase = `Use at least ${BACKUP_PASSPHRASE_MIN} characters: the file is only as hard to open as its passphrase is to guess`;
  }
  if (confirm !== passphrase) errors.confirm = "The two passphrases differ";
  return errors;
}
