/**
 * A person's (or a team's) keys as one passphrase-protected file: the backup file format
 * (docs/BACKUP-FORMAT.md) around personal-records.ts's records. The keys are revealed through
 * the key service, so only whoever may reveal them gets a file, and the `backup.export` event is
 * committed before any byte of it exists.
 *
 * Built whole in memory: an owner holds a bounded number of keys (a few MiB at most), and a
 * file that is complete before the answer starts can never reach the caller cut short.
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import { createBackupEncryptor, type BackupEncryptorOptions } from "../crypto/backup-stream.js";
import type { KeyService } from "../keys/key-service.js";
import { keyhavenVersion } from "./backup-file.js";
import { encodeRecords } from "./backup-records.js";
import { KEYS_FILE_FORMAT, KEYS_FILE_KIND, KEY_RECORD_KIND, keyRecord, type KeysFileHeader } from "./personal-records.js";

export interface PersonalExportDeps {
  keys: Pick<KeyService, "revealAll">;
  /** The database the keys come from ("sqlite", "postgres"), named in the file's first record. */
  dialect: string;
  now: () => Date;
  /** Cheaper key derivation for tests; files for people use the default. */
  encryption?: BackupEncryptorOptions;
}

export interface KeysFile {
  bytes: Buffer;
  count: number;
  createdAt: Date;
}

export async function exportKeysFile(deps: PersonalExportDeps, actor: Actor, owner: OwnerRef, passphrase: string): Promise<KeysFile> {
  // Refuses a short passphrase (400) before any key is read or any event written.
  const encryptor = createBackupEncryptor(passphrase, deps.encryption);
  try {
    const keys = await deps.keys.revealAll(actor, owner, (count) => ({
      action: "backup.export",
      details: { count, ...(owner.type === "team" ? { teamId: owner.id } : {}) },
    }));
    const createdAt = deps.now();
    const header: KeysFileHeader = { kind: KEYS_FILE_KIND, format: KEYS_FILE_FORMAT, exportedAt: createdAt.toISOString(), count: keys.length };
    const plaintext = encodeRecords([header, ...keys.map(keyRecord)], {
      source: { dialect: deps.dialect, keyhavenVersion: keyhavenVersion() },
      counts: { [KEYS_FILE_KIND]: 1, [KEY_RECORD_KIND]: keys.length },
      createdAt,
    });
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await pipeline(plaintext, encryptor, sink);
    return { bytes: Buffer.concat(chunks), count: keys.length, createdAt };
  } finally {
    // Refused or failed before the pipeline: the derived key and passphrase go now.
    encryptor.destroy();
  }
}
