import type { ApiKey } from "./types.js";

/** The rule the server's provider applies: active, and not past its expiry. */
export function isUsableKey(key: Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">, now = Date.now()): boolean {
  if (!key.isActive || key.isExpired) return false;
  if (key.expiresAt === null) return true;
  const at = Date.parse(key.expiresAt);
  return Number.isNaN(at) || at > now;
}
