/**
 * The records of a personal export (`POST /api/api-keys/export`): inside the backup file format
 * (crypto/backup-stream.ts, framed by backup-records.ts), one `keyhaven-keys` record saying what
 * the file is, then one `key` record per key — its value in the clear, as the owner would reveal
 * it, so a file imports into any instance (no ciphertext or data key travels).
 */
import { z } from "zod";
import type { ApiKeyWithValue } from "../shared/api-schemas.js";

export const KEYS_FILE_KIND = "keyhaven-keys";
/** Bumped when the key records change shape; an import refuses a newer one. */
export const KEYS_FILE_FORMAT = 1;
export const KEY_RECORD_KIND = "key";

// Types, not interfaces: the framing takes records as plain objects with string keys.
export type KeysFileHeader = {
  kind: typeof KEYS_FILE_KIND;
  format: typeof KEYS_FILE_FORMAT;
  /** ISO 8601. */
  exportedAt: string;
  count: number;
};

export type KeyRecord = {
  kind: typeof KEY_RECORD_KIND;
  name: string;
  service: string;
  value: ApiKeyWithValue["value"];
  description: string | null;
  config: Record<string, unknown>;
  isActive: boolean;
  isDefault: boolean;
  expiresAt: string | null;
  rotation: { everyDays: number | null };
};

export function keyRecord(key: ApiKeyWithValue): KeyRecord {
  return {
    kind: KEY_RECORD_KIND,
    name: key.name,
    service: key.service,
    value: key.value,
    description: key.description,
    config: key.config,
    isActive: key.isActive,
    isDefault: key.isDefault,
    expiresAt: key.expiresAt,
    rotation: { everyDays: key.rotation.everyDays },
  };
}

/**
 * A key record as read back: the shape only. What a key may be (service, value format, config,
 * expiry) is the key service's to decide, as for a key typed in.
 */
export const keyRecordSchema = z.object({
  kind: z.literal(KEY_RECORD_KIND),
  name: z.string(),
  service: z.string(),
  value: z.unknown(),
  description: z.string().nullable().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  isActive: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  expiresAt: z.string().nullable().optional(),
  rotation: z.object({ everyDays: z.number().nullable() }).optional(),
});
