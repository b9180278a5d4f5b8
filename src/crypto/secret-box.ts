import { openAesGcm, sealAesGcm } from "./aes-gcm.js";
import { canonicalDigest } from "./canonical-json.js";
import { DecryptionError } from "./decryption-error.js";
import { decodeBase64Url, encodeAad, FORMAT_VERSION, SECRET_FORMAT_VERSION } from "./encoding.js";
import type { OwnerRef } from "../access/owner.js";

/**
 * Everything that decides where and how a secret is used, bound into its ciphertext: a row
 * copied elsewhere, a config edited in the database (base URL, header, region) or a ciphertext
 * put back after its value changed (the version moved on) fails to decrypt.
 */
export interface SecretBinding {
  keyId: string;
  owner: OwnerRef;
  service: string;
  /** The row's `version`: a new one for every seal, so an older ciphertext never matches. */
  version: number;
  /** The key's parsed `config`; bound as the digest of its canonical JSON. */
  config: unknown;
}

// Domain label: a sealed secret can never be mistaken for a wrapped data key, or vice versa.
const PURPOSE = "keyhaven secret";
/** The first stored format: binds id, owner and service only. Read, never written. */
const LEGACY_FORMAT = FORMAT_VERSION;

function secretAad(binding: SecretBinding): Buffer {
  const { keyId, owner, service, version, config } = binding;
  if (!Number.isSafeInteger(version) || version < 1) throw new DecryptionError();
  return encodeAad([PURPOSE, SECRET_FORMAT_VERSION, keyId, owner.type, owner.id, service, version, canonicalDigest(config)]);
}

function legacyAad(binding: SecretBinding): Buffer {
  const { keyId, owner, service } = binding;
  return encodeAad([PURPOSE, LEGACY_FORMAT, keyId, owner.type, owner.id, service]);
}

/** Encrypts one secret with its owner's DEK: `kh2.<base64url(iv || ciphertext || tag)>`. */
export function encryptSecret(dek: Buffer, binding: SecretBinding, plaintext: string): string {
  // A bad version here is a programming error, not bad input: not a DecryptionError.
  if (!Number.isSafeInteger(binding.version) || binding.version < 1) throw new RangeError("Secret version must be a positive integer");
  const sealed = sealAesGcm(dek, Buffer.from(plaintext, "utf8"), secretAad(binding));
  return `${SECRET_FORMAT_VERSION}.${sealed.toString("base64url")}`;
}

/**
 * Decrypts one secret; a wrong key, binding, format or any tampering is a DecryptionError.
 * `kh1` secrets (written before config and version were bound) still open, with the binding
 * they were made with, until they are sealed again (see isLegacySecret).
 */
export function decryptSecret(dek: Buffer, binding: SecretBinding, stored: string): string {
  const parts = stored.split(".");
  if (parts.length !== 2) throw new DecryptionError();
  const aad = parts[0] === SECRET_FORMAT_VERSION ? secretAad(binding) : parts[0] === LEGACY_FORMAT ? legacyAad(binding) : undefined;
  if (!aad) throw new DecryptionError();
  return openAesGcm(dek, decodeBase64Url(parts[1]), aad).toString("utf8");
}

/** True for a secret in the old `kh1` format, which binds neither config nor version: seal it again. */
export function isLegacySecret(stored: string): boolean {
  return stored.startsWith(`${LEGACY_FORMAT}.`);
}
