import { describe, expect, it } from "vitest";
import { rotationDueAt, rotationState } from "../../src/shared/rotation.js";
import { keysDueForRotation } from "../../web/src/lib/rotation";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-29T12:00:00.000Z");
const at = (days: number) => new Date(NOW + days * DAY).toISOString();
const key = (id: string, dueInDays: number | null) => ({
  id,
  rotation: { everyDays: dueInDays === null ? null : 30, dueAt: dueInDays === null ? null : at(dueInDays), lastRotatedAt: null },
});

describe("rotation state (badges and the Rotation due lists)", () => {
  it("none without a period, ok beyond 7 days, due within 7 days (inclusive), overdue from the due date on", () => {
    expect(rotationState(key("a", null).rotation, NOW)).toBe("none");
    expect(rotationState(key("a", 7.01).rotation, NOW)).toBe("ok");
    expect(rotationState(key("a", 7).rotation, NOW)).toBe("due");
    expect(rotationState(key("a", 0.01).rotation, NOW)).toBe("due");
    expect(rotationState(key("a", 0).rotation, NOW)).toBe("overdue");
    expect(rotationState(key("a", -30).rotation, NOW)).toBe("overdue");
  });

  it("the due date is the period after the value was set; none without a period", () => {
    expect(rotationDueAt(90, "2026-01-01T00:00:00.000Z")).toBe("2026-04-01T00:00:00.000Z");
    expect(rotationDueAt(null, "2026-01-01T00:00:00.000Z")).toBeNull();
  });

  it("lists due and overdue keys, most overdue first, and nothing else", () => {
    const keys = [key("later", 20), key("soon", 3), key("none", null), key("late", -2), key("latest", -10)];
    expect(keysDueForRotation(keys, NOW).map((k) => k.id)).toEqual(["latest", "late", "soon"]);
  });
});
