export { DecryptionError } from "./decryption-error.js";
export { openAesGcm, sealAesGcm } from "./aes-gcm.js";
export {
  createMasterKeyring,
  generateMasterKeyBase64,
  parseMasterKeyBase64,
  type MasterKeyring,
} from "./master-keyring.js";
export { computeKeyCheckValue, keyCheckMatches } from "./key-check.js";
export type { OwnerRef } from "../access/owner.js";
export { generateDataKey, kekVersionOf, unwrapDataKey, wrapDataKey } from "./data-key.js";
export { decryptSecret, encryptSecret, isLegacySecret, type SecretBinding } from "./secret-box.js";
export { canonicalDigest, canonicalJson } from "./canonical-json.js";
export { BackupFormatError, type BackupFormatFailure } from "./backup-format-error.js";
export { BACKUP_FORMAT_VERSION } from "./backup-header.js";
export { DEFAULT_BACKUP_KDF, MIN_PASSPHRASE_CHARS, type ScryptParams } from "./backup-kdf.js";
export { createBackupDecryptor, createBackupEncryptor, DEFAULT_CHUNK_SIZE, type BackupEncryptorOptions } from "./backup-stream.js";
