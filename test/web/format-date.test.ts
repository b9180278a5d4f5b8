import { describe, expect, it } from "vitest";
import { dateInputToIso, formatDay, formatRelative, isoToDateInput } from "../../web/src/lib/format-date";

const NOW = Date.parse("2026-11-25T12:00:00Z");

describe("formatRelative", () => {
  it("says Never for a missing date", () => {
    expect(formatRelative(null, NOW)).toBe("Never");
  });
  it("speaks in minutes, hours and days", () => {
    expect(formatRelative(new Date(NOW - 20_000).toISOString(), NOW)).toBe("Just now");
    expect(formatRelative(new Date(NOW - 5 * 60_000).toISOString(), NOW)).toMatch(/5 minutes ago/);
    expect(formatRelative(new Date(NOW - 3 * 3_600_000).toISOString(), NOW)).toMatch(/3 hours ago/);
    expect(formatRelative(new Date(NOW + 2 * 86_400_000).toISOString(), NOW)).toMatch(/in 2 days/);
  });
  it("falls back to a date beyond a month", () => {
    expect(formatRelative("2026-01-02T00:00:00Z", NOW)).toMatch(/2026/);
  });
});

describe("date input round trip", () => {
  it("turns a picked day into the end of that local day, and back", () => {
    const iso = dateInputToIso("2026-12-31")!;
    const at = new Date(iso);
    expect([at.getFullYear(), at.getMonth(), at.getDate(), at.getHours(), at.getMinutes()]).toEqual([2026, 11, 31, 23, 59]);
    expect(isoToDateInput(iso)).toBe("2026-12-31");
  });
  it("maps empty to null and null to empty", () => {
    expect(dateInputToIso("")).toBeNull();
    expect(isoToDateInput(null)).toBe("");
  });
});

describe("formatDay", () => {
  it("shows a usage bucket as month and day, in UTC", () => {
    expect(formatDay("2026-11-01")).toMatch(/Nov|11/);
    expect(formatDay("2026-11-01")).toMatch(/\b1\b/);
  });
});
