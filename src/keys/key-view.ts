/** Row → the public `ApiKey` shape. The secret never passes through here. */
import type { ApiKeyRow } from "../db/schema.js";
import { isExpiredAt } from "../shared/expiry.js";
import type { ApiKey } from "../shared/api-schemas.js";

/**
 * The span of time around `t` in which no key of `rows` changes between expired and not:
 * from the last expiry at or before `t` up to (excluding) the first one after it (expired
 * means `expiresAt <= t`, as in isExpiredAt).
 */
export function expiryWindow(rows: readonly { expires_at: string | null }[], t: number): { from: number; until: number } {
  let from = -Infinity;
  let until = Infinity;
  for (const r of rows) {
    if (r.expires_at === null) continue;
    const e = Date.parse(r.expires_at);
    if (e <= t) from = Math.max(from, e);
    else until = Math.min(until, e);
  }
  return { from, until };
}

export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  return {
    id: row.id,
    name: row.name,
    service: row.service as ApiKey["service"],
    description: row.description,
    maskedValue: row.masked_value,
    isActive: row.is_active === 1,
    isDefault: row.is_default === 1,
    isExpired: isExpiredAt(row.expires_at, now.getTime()),
    expiresAt: row.expires_at,
    config: JSON.parse(row.config) as Record<string, unknown>,
    usageCount: Number(row.usage_count),
    lastUsedAt: row.last_used_at,
    lastTestedAt: row.last_tested_at,
    lastTestStatus: row.last_test_status as ApiKey["lastTestStatus"],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rotation: { everyDays: row.rotation_every_days, dueAt: row.rotation_due_at, lastRotatedAt: row.last_rotated_at },
    teamId: row.owner_type === "team" ? row.owner_id : null,
    sharing: row.owner_type === "team" ? ((row.sharing ?? "use") as ApiKey["sharing"]) : null,
  };
}
