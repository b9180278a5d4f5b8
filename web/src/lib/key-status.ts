import { isExpiredAt, isExpiringSoon } from "../../../src/shared/expiry";
import type { ApiKey } from "../keyhaven";

export { EXPIRING_SOON_DAYS } from "../../../src/shared/expiry";

export type KeyStatus = "active" | "inactive" | "expired" | "expiring-soon";

export const STATUS_LABEL: Record<KeyStatus, string> = {
  active: "Active",
  inactive: "Inactive",
  expired: "Expired",
  "expiring-soon": "Expiring soon",
};

/** Expired wins (switching it on would not help), then inactive, then expiring within EXPIRING_SOON_DAYS. */
export function keyStatus(key: Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">, now = Date.now()): KeyStatus {
  if (key.isExpired || isExpiredAt(key.expiresAt, now)) return "expired";
  if (!key.isActive) return "inactive";
  if (isExpiringSoon(key, now)) return "expiring-soon";
  return "active";
}

/**
 * The keys the Usage page's "Expiring soon" card counts (the server's stats use the same
 * rule, src/shared/expiry.ts): active ones expiring within EXPIRING_SOON_DAYS, soonest first.
 */
export function keysExpiringSoon<K extends Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">>(keys: K[], now = Date.now()): K[] {
  return keys
    .filter((k) => !k.isExpired && isExpiringSoon(k, now))
    .sort((a, b) => Date.parse(a.expiresAt!) - Date.parse(b.expiresAt!));
}
