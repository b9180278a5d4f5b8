import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { BackupFormatError } from "./backup-format-error.js";
import {
  BACKUP_HEADER_BYTES,
  CHUNK_SIZE_RANGE,
  encodeBackupHeader,
  NONCE_PREFIX_BYTES,
  readBackupHeader,
  SALT_BYTES,
  type BackupHeader,
} from "./backup-header.js";
import { assertBackupPassphrase, DEFAULT_BACKUP_KDF, deriveBackupKey, kdfParamsProblem, type ScryptParams } from "./backup-kdf.js";
import { ByteQueue } from "./byte-queue.js";

/**
 * The body of a backup file: the plaintext cut into chunks, each sealed with AES-256-GCM
 * under the file key in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015):
 *
 *   nonce(12) = nonce prefix(7) ‖ chunk counter (u32, big-endian, from 0) ‖ last-chunk flag (1 byte: 0 or 1)
 *   AAD       = the header's 43 bytes
 *   chunk     = ciphertext ‖ tag(16)
 *
 * Every chunk but the last holds exactly `chunkSize` plaintext bytes; the last holds fewer
 * (possibly none: a body that fills its chunks exactly ends with an empty one). So a reader
 * knows a chunk's end from the header alone, and knows a full chunk is not the last without
 * waiting for the next byte. The counter makes reordering, dropping or duplicating a chunk
 * fail; the flag makes cutting the file at a chunk boundary fail (no chunk there says "last").
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const TAG_BYTES = 16;
const MAX_CHUNKS = 2 ** 32;

export interface BackupEncryptorOptions {
  /** Defaults to OWASP's minimum for scrypt; cheaper parameters are for tests. */
  kdf?: ScryptParams;
  /** Plaintext bytes per chunk; defaults to 64 KiB. */
  chunkSize?: number;
}

function chunkNonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, NONCE_PREFIX_BYTES);
  nonce.writeUInt8(last ? 1 : 0, NONCE_PREFIX_BYTES + 4);
  return nonce;
}

function sealChunk(key: Buffer, header: BackupHeader, counter: number, last: boolean, plaintext: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, chunkNonce(header.noncePrefix, counter, last), { authTagLength: TAG_BYTES });
  cipher.setAAD(header.bytes);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The chunk's plaintext, or undefined when it does not authenticate (nothing of it escapes). */
function openChunk(key: Buffer, header: BackupHeader, counter: number, last: boolean, sealed: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, chunkNonce(header.noncePrefix, counter, last), { authTagLength: TAG_BYTES });
    decipher.setAAD(header.bytes);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Plaintext in, backup file out. The key is derived (once) when the first byte or the end arrives. */
class BackupEncryptor extends Transform {
  readonly #header: BackupHeader;
  #passphrase: string | undefined;
  #key: Buffer | undefined;
  readonly #pending = new ByteQueue();
  #counter = 0;

  constructor(passphrase: string, options: BackupEncryptorOptions) {
    super();
    const kdf = { ...(options.kdf ?? DEFAULT_BACKUP_KDF) };
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const problem = kdfParamsProblem(kdf);
    if (problem) throw new RangeError(`Backup ${problem}`);
    if (!Number.isInteger(chunkSize) || chunkSize < CHUNK_SIZE_RANGE[0] || chunkSize > CHUNK_SIZE_RANGE[1]) {
      throw new RangeError(`Backup chunk size must be ${CHUNK_SIZE_RANGE[0]} to ${CHUNK_SIZE_RANGE[1]} bytes`);
    }
    const fields = { kdf, chunkSize, salt: randomBytes(SALT_BYTES), noncePrefix: randomBytes(NONCE_PREFIX_BYTES) };
    this.#header = { ...fields, bytes: encodeBackupHeader(fields) };
    this.#passphrase = passphrase;
  }

  async #ready(): Promise<Buffer> {
    if (this.#key) return this.#key;
    this.#key = await deriveBackupKey(this.#passphrase ?? "", this.#header.salt, this.#header.kdf);
    this.#passphrase = undefined;
    this.push(this.#header.bytes);
    return this.#key;
  }

  #seal(key: Buffer, plaintext: Buffer, last: boolean): void {
    // 2^32 chunks of 64 KiB is 256 TiB: unreachable, but a wrapped counter would reuse nonces.
    if (this.#counter >= MAX_CHUNKS) throw new RangeError("Backup too large for one file");
    this.push(sealChunk(key, this.#header, this.#counter++, last, plaintext));
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#ready().then((key) => {
      this.#pending.push(data);
      while (this.#pending.length >= this.#header.chunkSize) this.#seal(key, this.#pending.take(this.#header.chunkSize), false);
      done();
    }, done);
  }

  override _flush(done: TransformCallback): void {
    this.#ready().then((key) => {
      this.#seal(key, this.#pending.take(this.#pending.length), true);
      key.fill(0);
      done();
    }, done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#key?.fill(0);
    this.#passphrase = undefined;
    done(error);
  }
}

/**
 * Backup file in, plaintext out. A chunk is emitted only once its tag has been checked, so a
 * consumer never sees a byte that was not written by someone holding the passphrase; any
 * failure is a BackupFormatError and ends the stream.
 */
class BackupDecryptor extends Transform {
  #passphrase: string | undefined;
  #header: BackupHeader | undefined;
  #key: Buffer | undefined;
  readonly #pending = new ByteQueue();
  #counter = 0;

  constructor(passphrase: string) {
    super();
    this.#passphrase = passphrase;
  }

  async #drain(ended: boolean): Promise<void> {
    if (!this.#key) {
      const header = readBackupHeader(this.#pending.peek(BACKUP_HEADER_BYTES), ended);
      if (!header) return;
      this.#pending.take(BACKUP_HEADER_BYTES);
      // A header and not even one tag after it: say so without spending a key derivation.
      if (ended && this.#pending.length < TAG_BYTES) throw new BackupFormatError("truncated");
      this.#header = header;
      this.#key = await deriveBackupKey(this.#passphrase ?? "", header.salt, header.kdf);
      this.#passphrase = undefined;
    }
    const header = this.#header!;
    const sealedChunk = header.chunkSize + TAG_BYTES;
    while (this.#pending.length >= sealedChunk) this.#open(this.#pending.take(sealedChunk), false);
    if (!ended) return;
    // Cut at a chunk boundary (or within a tag's length of one): no chunk says it is the last.
    if (this.#pending.length < TAG_BYTES) throw new BackupFormatError("truncated");
    this.#open(this.#pending.take(this.#pending.length), true);
    this.#key.fill(0);
  }

  #open(sealed: Buffer, last: boolean): void {
    if (this.#counter >= MAX_CHUNKS) throw new BackupFormatError("tampered", "more chunks than a backup can hold");
    const plaintext = openChunk(this.#key!, this.#header!, this.#counter, last, sealed);
    if (!plaintext) {
      // The passphrase is checked by nothing but the first chunk's tag, so a wrong passphrase,
      // a changed header and a changed (or cut) first chunk all look the same from here.
      // A later chunk failing means the key was right: the file itself is at fault. A file cut
      // inside a chunk also lands here, as its remains are opened as the last chunk.
      throw this.#counter === 0
        ? new BackupFormatError("wrong-passphrase")
        : new BackupFormatError("tampered", `part ${this.#counter + 1} failed its integrity check (or the file was cut short there)`);
    }
    this.#counter++;
    if (plaintext.length > 0) this.push(plaintext);
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#pending.push(data);
    this.#drain(false).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    this.#drain(true).then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#key?.fill(0);
    this.#passphrase = undefined;
    done(error);
  }
}

/**
 * A Transform from plaintext to a backup file sealed under `passphrase` (at least 12
 * characters: a shorter one throws here, before anything is written).
 */
export function createBackupEncryptor(passphrase: string, options: BackupEncryptorOptions = {}): Transform {
  assertBackupPassphrase(passphrase);
  return new BackupEncryptor(passphrase, options);
}

/**
 * A Transform from a backup file to its plaintext; fails with a BackupFormatError. The
 * passphrase's length is not checked here: a short one cannot be right, and fails as wrong.
 */
export function createBackupDecryptor(passphrase: string): Transform {
  return new BackupDecryptor(passphrase);
}
