/** The ApiKey shape every layer answers (key service, REST), for whole-object assertions. */
import { expect } from "vitest";

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const KEY_ID = /^key_[A-Za-z0-9_-]{20}$/;

/** The whole `ApiKey` answer for a fresh key, with `fields` overriding the defaults. */
export function apiKeyBody(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: expect.stringMatching(KEY_ID),
    name: expect.any(String),
    service: "openai",
    description: null,
    maskedValue: expect.any(String),
    isActive: true,
    isDefault: false,
    isExpired: false,
    expiresAt: null,
    config: {},
    usageCount: 0,
    lastUsedAt: null,
    lastTestedAt: null,
    lastTestStatus: null,
    createdAt: expect.stringMatching(ISO_DATE),
    updatedAt: expect.stringMatching(ISO_DATE),
    rotation: { everyDays: null, dueAt: null, lastRotatedAt: null },
    teamId: null,
    sharing: null,
    ...fields,
  };
}
