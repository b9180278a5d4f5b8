import { DecryptionError } from "./decryption-error.js";

/** The version tag that starts every wrapped data key (and every secret sealed before `kh2`). */
export const FORMAT_VERSION = "kh1";

/** The version tag of sealed secrets: `kh2` binds the key's config digest and version too. */
export const SECRET_FORMAT_VERSION = "kh2";

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Strict base64url decode: Node's decoder silently skips junk and ignores trailing bits,
 * so two different strings could decode to the same bytes; only the canonical form is accepted.
 */
export function decodeBase64Url(text: string): Buffer {
  if (!BASE64URL.test(text)) throw new DecryptionError();
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) throw new DecryptionError();
  return bytes;
}

/**
 * Additional authenticated data as a JSON array: JSON string escaping makes the encoding
 * injective, so no field can be shifted into its neighbour ("a.b" + "c" ≠ "a" + "b.c").
 */
export function encodeAad(fields: readonly (string | number)[]): Buffer {
  return Buffer.from(JSON.stringify(fields), "utf8");
}
