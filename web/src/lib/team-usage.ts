/** The team usage page's two tables, summed from `GET /api/teams/:teamId/usage` rows. */
import type { ServiceIdValue, TeamUsageRow } from "../../../src/shared/api-schemas.js";

export interface MemberKeyUse {
  userId: string;
  /** The member's name, else email, else "Former member" (the account is gone). */
  who: string;
  email: string | null;
  keyId: string;
  keyName: string;
  service: ServiceIdValue;
  count: number;
}

export interface DayUse {
  date: string;
  count: number;
}

/** One row per member and key over the whole period, most used first (then by who, then key, for a stable order). */
export function usageByMemberAndKey(rows: readonly TeamUsageRow[]): MemberKeyUse[] {
  const sums = new Map<string, MemberKeyUse>();
  for (const r of rows) {
    const id = `${r.userId}\u0000${r.keyId}`;
    const seen = sums.get(id);
    if (seen) seen.count += r.count;
    else
      sums.set(id, {
        userId: r.userId,
        who: r.userName || r.userEmail || "Former member",
        email: r.userEmail,
        keyId: r.keyId,
        keyName: r.keyName,
        service: r.service,
        count: r.count,
      });
  }
  return [...sums.values()].sort((a, b) => b.count - a.count || a.who.localeCompare(b.who) || a.keyName.localeCompare(b.keyName));
}

/** Total uses per day that had any, oldest first. */
export function usageByDay(rows: readonly TeamUsageRow[]): DayUse[] {
  const days = new Map<string, number>();
  for (const r of rows) {
    const day = r.date.slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + r.count);
  }
  return [...days.entries()].map(([date, count]) => ({ date, count })).sort((a, b) => a.date.localeCompare(b.date));
}

export function totalUses(rows: readonly TeamUsageRow[]): number {
  return rows.reduce((sum, r) => sum + r.count, 0);
}
