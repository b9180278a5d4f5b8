/** The expiry choices of the new-token form and the `expiresAt` each one sends. */
import { dateInputToIso } from "./format-date";

const DAY = 86_400_000;

export const EXPIRY_CHOICES = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "No expiry" },
  { value: "date", label: "On a date…" },
] as const;

export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** A month: long enough for a CI setup, short enough that a forgotten token dies. */
export const DEFAULT_EXPIRY: ExpiryChoice = "30";

export type ExpiryResult = { expiresAt: string | null } | { error: string };

/**
 * `expiresAt` for a choice: N days from now, null for never, or the end of the picked day
 * (local time, as key expiries are). The server checks it is in the future too.
 */
export function expiryFor(choice: ExpiryChoice, date: string, now = Date.now()): ExpiryResult {
  if (choice === "never") return { expiresAt: null };
  if (choice !== "date") return { expiresAt: new Date(now + Number(choice) * DAY).toISOString() };
  const iso = dateInputToIso(date);
  if (!iso) return { error: "Pick a day" };
  if (Date.parse(iso) <= now) return { error: "Pick a day from today on" };
  return { expiresAt: iso };
}
