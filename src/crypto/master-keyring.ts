import { randomBytes } from "node:crypto";

const KEY_BYTES = 32;

/** The master keys (KEKs) known to this process; new data keys are wrapped under the current one. */
export interface MasterKeyring {
  readonly currentVersion: number;
  keyFor(version: number): Buffer | undefined;
}

/** Builds a keyring; old versions stay so data keys wrapped before a rotation still unwrap. */
export function createMasterKeyring(
  keys: { version: number; key: Buffer }[],
  currentVersion: number,
): MasterKeyring {
  const byVersion = new Map<number, Buffer>();
  for (const { version, key } of keys) {
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new Error(`Master key version must be a positive integer (got ${String(version)})`);
    }
    if (key.length !== KEY_BYTES) {
      throw new Error(`Master key version ${version} must be exactly 32 bytes (got ${key.length} bytes)`);
    }
    if (byVersion.has(version)) throw new Error(`Master key version ${version} is given twice`);
    // Copy so a caller zeroing or reusing its buffer cannot change the keyring.
    byVersion.set(version, Buffer.from(key));
  }
  if (!byVersion.has(currentVersion)) {
    throw new Error(`Current master key version ${String(currentVersion)} is not in the keyring`);
  }
  return {
    currentVersion,
    keyFor: (version) => byVersion.get(version),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses a master key from configuration. Errors never echo the input: it may be a real key. */
export function parseMasterKeyBase64(text: string): Buffer {
  const trimmed = text.trim();
  const unpadded = trimmed.replace(/=+$/, "");
  const padded = unpadded.length !== trimmed.length;
  if (!BASE64.test(trimmed) || (padded && trimmed.length % 4 !== 0)) {
    throw new Error("Master key is not valid base64");
  }
  const key = Buffer.from(unpadded, "base64");
  // Re-encoding catches non-canonical input (e.g. stray bits in the last character).
  if (key.toString("base64").replace(/=+$/, "") !== unpadded) {
    throw new Error("Master key is not valid base64");
  }
  if (key.length !== KEY_BYTES) {
    throw new Error(`Master key must be base64 of exactly 32 bytes (got ${key.length} bytes)`);
  }
  return key;
}

/** A fresh random master key, in the form parseMasterKeyBase64 reads. */
export function generateMasterKeyBase64(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}
