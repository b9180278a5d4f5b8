/**
 * The backup passphrase: the first line of --passphrase-file (its line ending dropped), else
 * typed on the terminal without echo (twice for a backup). Never from argv or the environment,
 * where other processes and shell histories see it.
 */
import fs from "node:fs";
import { assertBackupPassphrase } from "../../crypto/backup-kdf.js";
import { passphraseOfFileText } from "../../backup/backup-passphrase-file.js";
import { promptHidden } from "../client/prompt.js";
import { BACKUP_EXIT, backupFailure } from "./backup-exit.js";

export function passphraseFromFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw backupFailure(`cannot read the passphrase file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`, BACKUP_EXIT.NO_INPUT);
  }
  return passphraseOfFileText(text);
}

function checked(passphrase: string): string {
  try {
    assertBackupPassphrase(passphrase);
  } catch (err) {
    throw backupFailure((err as Error).message.replace(/^The/, "the"), BACKUP_EXIT.USAGE);
  }
  return passphrase;
}

/** `confirm`: asked twice on a terminal (a backup: a typo there would make the file unreadable). */
export async function readPassphrase(file: string | undefined, { confirm }: { confirm: boolean }): Promise<string> {
  if (file !== undefined) return checked(passphraseFromFile(file));
  if (!process.stdin.isTTY) {
    throw backupFailure("no passphrase: pass --passphrase-file PATH (its first line), or run this on a terminal to type it", BACKUP_EXIT.USAGE);
  }
  const first = checked(await promptHidden("Backup passphrase: "));
  if (confirm && (await promptHidden("Same passphrase again: ")) !== first) throw backupFailure("the two passphrases differ; nothing was written", BACKUP_EXIT.USAGE);
  return first;
}
