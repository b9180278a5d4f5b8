import { describe, expect, it } from "vitest";
import { keysExpiringSoon, keyStatus } from "../../web/src/lib/key-status";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const DAY = 86_400_000;
const key = (over: Partial<{ isActive: boolean; isExpired: boolean; expiresAt: string | null }> = {}) => ({
  isActive: true,
  isExpired: false,
  expiresAt: null,
  ...over,
});
const inDays = (n: number) => new Date(NOW + n * DAY).toISOString();

describe("keyStatus", () => {
  it("is active with no expiry", () => {
    expect(keyStatus(key(), NOW)).toBe("active");
  });
  it("is active when the expiry is more than 7 days away", () => {
    expect(keyStatus(key({ expiresAt: inDays(8) }), NOW)).toBe("active");
  });
  it("is expiring soon within 7 days", () => {
    expect(keyStatus(key({ expiresAt: inDays(7) }), NOW)).toBe("expiring-soon");
    expect(keyStatus(key({ expiresAt: inDays(0.01) }), NOW)).toBe("expiring-soon");
  });
  it("is inactive when switched off", () => {
    expect(keyStatus(key({ isActive: false }), NOW)).toBe("inactive");
    expect(keyStatus(key({ isActive: false, expiresAt: inDays(2) }), NOW)).toBe("inactive");
  });
  it("is expired when the server says so or the date has passed, even if switched off", () => {
    expect(keyStatus(key({ isExpired: true }), NOW)).toBe("expired");
    expect(keyStatus(key({ expiresAt: inDays(-1) }), NOW)).toBe("expired");
    expect(keyStatus(key({ isActive: false, expiresAt: inDays(-1) }), NOW)).toBe("expired");
  });
});

describe("keysExpiringSoon", () => {
  it("lists keys expiring within 7 days, soonest first, skipping expired and far-off ones", () => {
    const keys = [
      { id: "a", ...key({ expiresAt: inDays(5) }) },
      { id: "b", ...key({ expiresAt: inDays(1) }) },
      { id: "c", ...key({ expiresAt: inDays(30) }) },
      { id: "d", ...key({ expiresAt: inDays(-1) }) },
      { id: "e", ...key() },
    ];
    expect(keysExpiringSoon(keys, NOW).map((k) => k.id)).toEqual(["b", "a"]);
  });
  it("leaves out switched-off keys, as the stats card does (their badge says inactive)", () => {
    const keys = [
      { id: "on", ...key({ expiresAt: inDays(2) }) },
      { id: "off", ...key({ isActive: false, expiresAt: inDays(2) }) },
    ];
    expect(keysExpiringSoon(keys, NOW).map((k) => k.id)).toEqual(["on"]);
  });
});
