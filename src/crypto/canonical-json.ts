import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so equal values always give equal text
 * (JSON.stringify keeps insertion order, which a database round trip or an edit may change).
 * Like JSON.stringify, it drops undefined and function members and writes non-finite numbers as null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const entries = Object.keys(value)
    .filter((key) => {
      const member = (value as Record<string, unknown>)[key];
      return member !== undefined && typeof member !== "function";
    })
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

/** SHA-256 (hex) of the canonical JSON of `value`: a short, fixed-size stand-in to authenticate. */
export function canonicalDigest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}
