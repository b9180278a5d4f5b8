import { validationError } from "./errors.js";

/**
 * An `expiresAt` as sent (keys and access tokens alike): a date in the future, normalised to
 * ISO UTC; null or absent means no expiry.
 */
export function futureExpiry(expiresAt: string | null | undefined, at: Date): string | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) throw validationError("expiresAt must be a date", [{ path: "expiresAt", message: "must be a date (ISO 8601)" }]);
  if (t <= at.getTime()) throw validationError("expiresAt must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  return new Date(t).toISOString();
}
