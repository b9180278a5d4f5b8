/**
 * A whole instance as one backup file and back: the snapshot's records (snapshot-records.ts),
 * framed one per line (backup-records.ts) and sealed under a passphrase (crypto/backup-stream.ts).
 *
 * The framing owns the kind "end" for its own last record, so the snapshot's end record travels
 * as "snapshot-end" and is named back on the way in. The framing's end record is checked before
 * the records stop, so a restore that commits only when they stop never commits a cut file.
 */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { createBackupDecryptor, createBackupEncryptor, type BackupEncryptorOptions } from "../crypto/backup-stream.js";
import type { MasterKeyring } from "../crypto/master-keyring.js";
import type { DatabaseHandle } from "../db/connect.js";
import { decodeRecords, encodeRecords, type BackupDataRecord } from "./backup-records.js";
import { readSnapshot, type ReadSnapshotOptions } from "./snapshot-reader.js";
import type { BackupRecord } from "./snapshot-records.js";

const SNAPSHOT_END = "snapshot-end";
const FILE_HEADER = "keyhaven-backup";
const FILE_END = "end";

/** The running Keyhaven's version (from its package.json, in the source tree or the build). */
export function keyhavenVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "keyhaven" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not there: try the next level up
    }
  }
  return "unknown";
}

async function* framed(records: AsyncIterable<BackupRecord>, onEnd?: (counts: Record<string, number>) => void): AsyncGenerator<BackupDataRecord> {
  for await (const r of records) {
    if (r.kind === "end") onEnd?.(r.counts);
    yield (r.kind === "end" ? { ...r, kind: SNAPSHOT_END } : r) as BackupDataRecord;
  }
}

/** The encrypted bytes of a backup of `handle`, read from one snapshot as they are consumed. */
export function backupFileStream(
  handle: DatabaseHandle,
  keyring: MasterKeyring,
  passphrase: string,
  opts: ReadSnapshotOptions & {
    encryption?: BackupEncryptorOptions;
    /** Called with the rows per table once the snapshot has been read whole. */
    onEnd?: (counts: Record<string, number>) => void;
  } = {},
): Readable {
  // Checks the passphrase (AppError VALIDATION_ERROR) before any snapshot is opened.
  const encryptor = createBackupEncryptor(passphrase, opts.encryption);
  const plaintext = encodeRecords(framed(readSnapshot(handle, keyring, opts), opts.onEnd), { source: { dialect: handle.dialect, keyhavenVersion: keyhavenVersion() } });
  plaintext.on("error", (err) => encryptor.destroy(err));
  // A reader that gives up (a scheduled backup cancelled at shutdown) ends the snapshot too.
  encryptor.once("close", () => plaintext.destroy());
  return plaintext.pipe(encryptor);
}

/**
 * The snapshot records of a backup file's bytes, for restoreSnapshot. Fails with a
 * BackupFormatError (wrong passphrase, damaged, cut short, newer, not a backup) at the latest
 * when the last record has been read.
 */
export async function* snapshotRecordsOf(file: Readable, passphrase: string): AsyncGenerator<BackupRecord> {
  const decryptor = createBackupDecryptor(passphrase);
  file.on("error", (err) => decryptor.destroy(err));
  for await (const record of decodeRecords(file.pipe(decryptor))) {
    if (record.kind === FILE_HEADER || record.kind === FILE_END) continue;
    yield (record.kind === SNAPSHOT_END ? { ...record, kind: "end" } : record) as unknown as BackupRecord;
  }
}
