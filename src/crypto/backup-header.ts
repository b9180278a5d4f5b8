import { BackupFormatError } from "./backup-format-error.js";
import { kdfParamsProblem, type ScryptParams } from "./backup-kdf.js";

/**
 * The plaintext header that starts every backup file (all integers big-endian):
 *
 *   0  "KHBK"          magic
 *   4  u16             format version (1)
 *   6  u8              KDF (1 = scrypt)
 *   7  u8              scrypt log2(N)
 *   8  u32             scrypt r
 *  12  u32             scrypt p
 *  16  u32             plaintext bytes per chunk
 *  20  16 bytes        salt
 *  36  7 bytes         nonce prefix
 *  43                  first chunk
 *
 * Nothing in it is secret. It is not authenticated on its own: its bytes are the AAD of every
 * chunk, so a changed header fails with the first chunk.
 */
export const BACKUP_MAGIC = Buffer.from("KHBK", "latin1");
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_HEADER_BYTES = 43;
export const SALT_BYTES = 16;
export const NONCE_PREFIX_BYTES = 7;
const KDF_SCRYPT = 1;
const VERSION_END = 6;

/** Chunk sizes a reader accepts: a chunk is held whole in memory before it is authenticated. */
export const CHUNK_SIZE_RANGE = [64, 1024 * 1024] as const;

export interface BackupHeader {
  kdf: ScryptParams;
  chunkSize: number;
  salt: Buffer;
  noncePrefix: Buffer;
  /** The header exactly as written: the AAD of every chunk. */
  bytes: Buffer;
}

export function encodeBackupHeader(fields: Omit<BackupHeader, "bytes">): Buffer {
  const { kdf, chunkSize, salt, noncePrefix } = fields;
  if (salt.length !== SALT_BYTES || noncePrefix.length !== NONCE_PREFIX_BYTES) throw new RangeError("Backup salt or nonce prefix has the wrong size");
  const bytes = Buffer.alloc(BACKUP_HEADER_BYTES);
  BACKUP_MAGIC.copy(bytes, 0);
  bytes.writeUInt16BE(BACKUP_FORMAT_VERSION, 4);
  bytes.writeUInt8(KDF_SCRYPT, 6);
  bytes.writeUInt8(kdf.log2N, 7);
  bytes.writeUInt32BE(kdf.r, 8);
  bytes.writeUInt32BE(kdf.p, 12);
  bytes.writeUInt32BE(chunkSize, 16);
  salt.copy(bytes, 20);
  noncePrefix.copy(bytes, 36);
  return bytes;
}

/**
 * Reads the header from the first bytes of a file: undefined while more bytes are needed
 * (`ended`: none will come). Magic and version are checked as soon as they are in, so a file
 * from a newer Keyhaven is named as such whatever its header looks like. KDF parameters and
 * chunk size are bounded here, before any key derivation or buffering they would cost.
 */
export function readBackupHeader(start: Buffer, ended: boolean): BackupHeader | undefined {
  const magicSeen = Math.min(start.length, BACKUP_MAGIC.length);
  if (!start.subarray(0, magicSeen).equals(BACKUP_MAGIC.subarray(0, magicSeen))) throw new BackupFormatError("not-a-backup");
  if (start.length < VERSION_END) {
    if (!ended) return undefined;
    throw start.length < BACKUP_MAGIC.length ? new BackupFormatError("not-a-backup") : new BackupFormatError("truncated", "the header is cut short");
  }
  const version = start.readUInt16BE(4);
  if (version > BACKUP_FORMAT_VERSION) throw new BackupFormatError("newer-version", version);
  if (version < 1) throw new BackupFormatError("tampered", "unknown format 0");
  if (start.length < BACKUP_HEADER_BYTES) {
    if (!ended) return undefined;
    throw new BackupFormatError("truncated", "the header is cut short");
  }
  if (start.readUInt8(6) !== KDF_SCRYPT) throw new BackupFormatError("tampered", "unknown key derivation");
  const kdf = { log2N: start.readUInt8(7), r: start.readUInt32BE(8), p: start.readUInt32BE(12) };
  const problem = kdfParamsProblem(kdf);
  if (problem) throw new BackupFormatError("tampered", problem);
  const chunkSize = start.readUInt32BE(16);
  if (chunkSize < CHUNK_SIZE_RANGE[0] || chunkSize > CHUNK_SIZE_RANGE[1]) throw new BackupFormatError("tampered", `chunk size ${chunkSize} out of bounds`);
  // Copies: the caller's buffer is a window onto stream data it will drop.
  const bytes = Buffer.from(start.subarray(0, BACKUP_HEADER_BYTES));
  return { kdf, chunkSize, salt: bytes.subarray(20, 36), noncePrefix: bytes.subarray(36, 43), bytes };
}
