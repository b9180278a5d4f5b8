/**
 * When a key counts as expired or as expiring soon: one rule for the server (stats, key
 * views) and the web app (status badges, the Usage page's list), so the "Expiring soon" card
 * and the list under it always agree. Browser-safe: no Node imports.
 */

export const EXPIRING_SOON_DAYS = 7;
const DAY_MS = 86_400_000;
export const EXPIRING_SOON_MS = EXPIRING_SOON_DAYS * DAY_MS;

export interface ExpiryFacts {
  isActive: boolean;
  /** ISO-8601, or null for a key that never expires. */
  expiresAt: string | null;
}

/** Expired once its expiry has been reached (`expiresAt <= now`), whether switched on or off. */
export function isExpiredAt(expiresAt: string | null, nowMs: number): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= nowMs;
}

/**
 * Switched on, not expired, and expiring within EXPIRING_SOON_DAYS (inclusive): a key that is
 * handed out today and will stop being handed out soon. A switched-off key is not counted; it
 * is not handed out anyway, and its badge says "inactive".
 */
export function isExpiringSoon(key: ExpiryFacts, nowMs: number): boolean {
  if (!key.isActive || key.expiresAt === null) return false;
  const at = Date.parse(key.expiresAt);
  return at > nowMs && at <= expiringSoonUntil(nowMs);
}

/** The end of the window (inclusive), for a query: `now < expires_at <= expiringSoonUntil(now)`. */
export function expiringSoonUntil(nowMs: number): number {
  return nowMs + EXPIRING_SOON_MS;
}
