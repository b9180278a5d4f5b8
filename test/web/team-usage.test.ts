/** The team usage page's sums: per member and key over the period, and per day. */
import { describe, expect, it } from "vitest";
import type { TeamUsageRow } from "../../src/shared/api-schemas";
import { totalUses, usageByDay, usageByMemberAndKey } from "../../web/src/lib/team-usage";

const row = (r: Partial<TeamUsageRow>): TeamUsageRow => ({
  date: "2026-11-20",
  keyId: "k1",
  keyName: "OpenAI prod",
  service: "openai",
  userId: "u1",
  userName: "Ada",
  userEmail: "ada@example.com",
  count: 1,
  ...r,
});

const rows = [
  row({ date: "2026-11-20", count: 3 }),
  row({ date: "2026-11-21", count: 4 }),
  row({ date: "2026-11-21", userId: "u2", userName: "Bob", userEmail: "bob@example.com", count: 10 }),
  row({ date: "2026-11-22", keyId: "k2", keyName: "Claude", service: "anthropic", count: 2 }),
  row({ date: "2026-11-19", userId: "gone", userName: null, userEmail: null, count: 1 }),
];

describe("team usage sums", () => {
  it("sums each member's use of each key, most used first", () => {
    expect(usageByMemberAndKey(rows).map((r) => [r.who, r.keyName, r.count])).toEqual([
      ["Bob", "OpenAI prod", 10],
      ["Ada", "OpenAI prod", 7],
      ["Ada", "Claude", 2],
      ["Former member", "OpenAI prod", 1],
    ]);
  });

  it("names a member by name, else email", () => {
    expect(usageByMemberAndKey([row({ userName: "", userEmail: "x@example.com" })])[0].who).toBe("x@example.com");
  });

  it("totals each day, oldest first", () => {
    expect(usageByDay(rows)).toEqual([
      { date: "2026-11-19", count: 1 },
      { date: "2026-11-20", count: 3 },
      { date: "2026-11-21", count: 14 },
      { date: "2026-11-22", count: 2 },
    ]);
    expect(usageByDay([row({ date: "2026-11-20T00:00:00.000Z", count: 2 }), row({ date: "2026-11-20", count: 1 })])).toEqual([{ date: "2026-11-20", count: 3 }]);
  });

  it("adds everything up", () => {
    expect(totalUses(rows)).toBe(20);
    expect(totalUses([])).toBe(0);
    expect(usageByMemberAndKey([])).toEqual([]);
  });
});
