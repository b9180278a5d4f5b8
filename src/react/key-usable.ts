import { isExpiredAt } from "../shared/expiry.js";
import type { ApiKey } from "./types.js";

/** The rule the server's provider applies: active, and not past its expiry (src/shared/expiry.ts). */
export function isUsableKey(key: Pick<ApiKey, "isActive" | "isExpired" | "expiresAt">, now = Date.now()): boolean {
  return key.isActive && !key.isExpired && !isExpiredAt(key.expiresAt, now);
}
