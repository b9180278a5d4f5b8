import { openAesGcm, sealAesGcm } from "./aes-gcm.js";
import { DecryptionError } from "./decryption-error.js";
import { decodeBase64Url, encodeAad, FORMAT_VERSION } from "./encoding.js";
import type { OwnerRef } from "./owner.js";

/** Where a secret lives; bound into its ciphertext so a row copied elsewhere fails to decrypt. */
export interface SecretBinding {
  keyId: string;
  owner: OwnerRef;
  service: string;
}

// Domain label: a sealed secret can never be mistaken for a wrapped data key, or vice versa.
const PURPOSE = "keyhaven secret";

function secretAad(binding: SecretBinding): Buffer {
  const { keyId, owner, service } = binding;
  return encodeAad([PURPOSE, FORMAT_VERSION, keyId, owner.type, owner.id, service]);
}

/** Encrypts one secret with its owner's DEK: `kh1.<base64url(iv || ciphertext || tag)>`. */
export function encryptSecret(dek: Buffer, binding: SecretBinding, plaintext: string): string {
  const sealed = sealAesGcm(dek, Buffer.from(plaintext, "utf8"), secretAad(binding));
  return `${FORMAT_VERSION}.${sealed.toString("base64url")}`;
}

/** Decrypts one secret; a wrong key, binding, format or any tampering is a DecryptionError. */
export function decryptSecret(dek: Buffer, binding: SecretBinding, stored: string): string {
  const parts = stored.split(".");
  if (parts.length !== 2 || parts[0] !== FORMAT_VERSION) throw new DecryptionError();
  return openAesGcm(dek, decodeBase64Url(parts[1]), secretAad(binding)).toString("utf8");
}
