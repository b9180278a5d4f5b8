import type { ApiKey } from "../keyhaven";

export type KeyStatus = "active" | "inactive" | "expired" | "expiring-soon";

export const EXPIRING_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

export const STATUS_LABEL: Record<KeyStatus, string> = {
  active: "Active",
  inactive: "Inactive",
  expired: "Expired",
  "expiring-soon": "Expiring soon",
};

/** Expired wins (switching it on would not help), then inactive, then expiring within 7 days. */
export function keyStatus(key: Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">, now = Date.now()): KeyStatus {
  const expiresAt = key.expiresAt ? Date.parse(key.expiresAt) : Number.NaN;
  if (key.isExpired || expiresAt <= now) return "expired";
  if (!key.isActive) return "inactive";
  if (expiresAt - now <= EXPIRING_SOON_DAYS * DAY_MS) return "expiring-soon";
  return "active";
}

/** Keys that will expire within the window (active or not), soonest first. */
export function keysExpiringSoon<K extends Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">>(keys: K[], now = Date.now()): K[] {
  return keys
    .filter((k) => {
      if (!k.expiresAt || k.isExpired) return false;
      const at = Date.parse(k.expiresAt);
      return at > now && at - now <= EXPIRING_SOON_DAYS * DAY_MS;
    })
    .sort((a, b) => Date.parse(a.expiresAt!) - Date.parse(b.expiresAt!));
}
