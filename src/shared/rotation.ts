/**
 * When a key is due for rotation: one rule for the server (the scheduler's due date) and the
 * web app (badges, the "Rotation due" lists). Browser-safe: no Node imports.
 */

/** A rotation period is 1 day to 10 years. */
export const ROTATION_EVERY_DAYS_MIN = 1;
export const ROTATION_EVERY_DAYS_MAX = 3650;
/** "Rotation due" from this many days before the due date; "overdue" from the due date on. */
export const ROTATION_DUE_SOON_DAYS = 7;
/** Values a key keeps: the current one and the 9 before it. */
export const KEY_VERSIONS_KEPT = 10;

const DAY_MS = 86_400_000;

export interface RotationFacts {
  everyDays: number | null;
  dueAt: string | null;
  lastRotatedAt: string | null;
}

/** The due date of a period counted from when the current value was set; null without a period. */
export function rotationDueAt(everyDays: number | null, valueSetAt: string): string | null {
  if (everyDays === null) return null;
  return new Date(Date.parse(valueSetAt) + everyDays * DAY_MS).toISOString();
}

export type RotationState = "overdue" | "due" | "ok" | "none";

/** `overdue` once the due date is reached, `due` within ROTATION_DUE_SOON_DAYS of it, else `ok`; `none` without a period. */
export function rotationState(rotation: RotationFacts, nowMs: number): RotationState {
  if (rotation.dueAt === null) return "none";
  const at = Date.parse(rotation.dueAt);
  if (at <= nowMs) return "overdue";
  return at <= nowMs + ROTATION_DUE_SOON_DAYS * DAY_MS ? "due" : "ok";
}
