import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createBackupDecryptor, createBackupEncryptor, type BackupEncryptorOptions, type ScryptParams } from "../../src/crypto/index.js";

export const PASSPHRASE = "correct horse battery staple";
/** The cheapest parameters a reader accepts: the tamper sweeps derive a key thousands of times. */
export const FAST_KDF: ScryptParams = { log2N: 10, r: 1, p: 1 };
export const HEADER_BYTES = 43;
export const TAG_BYTES = 16;

/** `bytes` cut into pieces of `size` (the last shorter), as a stream might deliver them. */
export function piecesOf(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}

export async function encryptBytes(plaintext: Buffer, options: BackupEncryptorOptions = { kdf: FAST_KDF }, pieceSize = 4096): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(piecesOf(plaintext, pieceSize)).pipe(createBackupEncryptor(PASSPHRASE, options))) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

/** Decrypts `file`, keeping what was emitted before any failure (which is returned, not thrown). */
export async function decryptBytes(file: Buffer, passphrase = PASSPHRASE, pieceSize = 4096): Promise<{ plaintext: Buffer; error?: unknown }> {
  const emitted: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      emitted.push(chunk);
      done();
    },
  });
  try {
    await pipeline(Readable.from(piecesOf(file, pieceSize)), createBackupDecryptor(passphrase), sink);
    return { plaintext: Buffer.concat(emitted) };
  } catch (error) {
    return { plaintext: Buffer.concat(emitted), error };
  }
}
