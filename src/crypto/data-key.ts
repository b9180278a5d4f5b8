import { randomBytes } from "node:crypto";
import { openAesGcm, sealAesGcm } from "./aes-gcm.js";
import { DecryptionError } from "./decryption-error.js";
import { decodeBase64Url, encodeAad, FORMAT_VERSION } from "./encoding.js";
import type { MasterKeyring } from "./master-keyring.js";
import type { OwnerRef } from "../access/owner.js";

const DATA_KEY_BYTES = 32;
// Domain label: a wrapped data key can never be mistaken for a sealed secret, or vice versa.
const PURPOSE = "keyhaven data key";
const VERSION_FIELD = /^[1-9][0-9]{0,8}$/;

/** A fresh random per-owner data key (DEK). */
export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

// The KEK version is in the AAD so rewriting it in the stored string breaks authentication.
function wrapAad(kekVersion: number, owner: OwnerRef): Buffer {
  return encodeAad([PURPOSE, FORMAT_VERSION, kekVersion, owner.type, owner.id]);
}

function parseWrapped(wrapped: string): { kekVersion: number; sealed: Buffer } {
  const parts = wrapped.split(".");
  if (parts.length !== 3 || parts[0] !== FORMAT_VERSION || !VERSION_FIELD.test(parts[1])) {
    throw new DecryptionError();
  }
  return { kekVersion: Number(parts[1]), sealed: decodeBase64Url(parts[2]) };
}

/** Wraps a DEK for one owner under the current master key: `kh1.<kekVersion>.<base64url>`. */
export function wrapDataKey(keyring: MasterKeyring, owner: OwnerRef, dek: Buffer): string {
  if (dek.length !== DATA_KEY_BYTES) throw new RangeError("Data key must be 32 bytes");
  const kekVersion = keyring.currentVersion;
  const kek = keyring.keyFor(kekVersion);
  if (!kek) throw new Error(`Current master key version ${kekVersion} is not in the keyring`);
  const sealed = sealAesGcm(kek, dek, wrapAad(kekVersion, owner));
  return `${FORMAT_VERSION}.${kekVersion}.${sealed.toString("base64url")}`;
}

/** Unwraps a DEK; wrong owner, unknown version or any tampering is a DecryptionError. */
export function unwrapDataKey(keyring: MasterKeyring, owner: OwnerRef, wrapped: string): Buffer {
  const { kekVersion, sealed } = parseWrapped(wrapped);
  const kek = keyring.keyFor(kekVersion);
  if (!kek) throw new DecryptionError();
  const dek = openAesGcm(kek, sealed, wrapAad(kekVersion, owner));
  if (dek.length !== DATA_KEY_BYTES) throw new DecryptionError();
  return dek;
}

/** The master key version a DEK is wrapped under, so rotation can find rows to rewrap. */
export function kekVersionOf(wrapped: string): number {
  return parseWrapped(wrapped).kekVersion;
}
