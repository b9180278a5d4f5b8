/**
 * Writes a secret the way Keyhaven did before `kh2`: AAD binding key id, owner and service
 * only. Reproduced here (not imported) so the tests pin the old format as it was stored.
 */
import { sealAesGcm } from "../../src/crypto/aes-gcm.js";
import type { OwnerRef } from "../../src/access/owner.js";

export function encryptLegacyKh1(dek: Buffer, binding: { keyId: string; owner: OwnerRef; service: string }, plaintext: string): string {
  const aad = Buffer.from(JSON.stringify(["keyhaven secret", "kh1", binding.keyId, binding.owner.type, binding.owner.id, binding.service]), "utf8");
  return `kh1.${sealAesGcm(dek, Buffer.from(plaintext, "utf8"), aad).toString("base64url")}`;
}
