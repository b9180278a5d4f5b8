import { createHmac, timingSafeEqual } from "node:crypto";

const KEY_CHECK_LABEL = "keyhaven key check v1";

/**
 * A value derived from the KEK that reveals nothing about it. Stored at first start, it lets a
 * later start with a different master key fail fast instead of failing on every decrypt.
 */
export function computeKeyCheckValue(kek: Buffer): string {
  return createHmac("sha256", kek).update(KEY_CHECK_LABEL, "utf8").digest("base64");
}

/** Constant-time comparison with a stored key check value. */
export function keyCheckMatches(kek: Buffer, stored: string): boolean {
  const expected = Buffer.from(computeKeyCheckValue(kek), "utf8");
  const actual = Buffer.from(stored, "utf8");
  // timingSafeEqual throws on different lengths; the length of a public HMAC leaks nothing.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
