import { STATS_DAYS } from "../../../src/shared/stats-days";
import type { KeyStats } from "../keyhaven";
import { formatCount } from "../lib/format-date";
import { StatCard } from "./stat-card";

/** The totals from /api/api-keys/stats. */
export function StatGrid({ stats }: { stats: KeyStats }) {
  return (
    <dl className="stat-grid" data-testid="stat-grid">
      <StatCard label={`Uses, ${STATS_DAYS} days`} value={formatCount(stats.usageByDay.reduce((n, d) => n + d.count, 0))} />
      <StatCard label="All-time uses" value={formatCount(stats.totalUsage)} />
      <StatCard label="Keys" value={formatCount(stats.total)} />
      <StatCard label="Active" value={formatCount(stats.active)} tone="success" />
      <StatCard label="Inactive" value={formatCount(stats.inactive)} tone="muted" />
      <StatCard label="Expiring soon" value={formatCount(stats.expiringSoon)} tone="warning" />
      <StatCard label="Expired" value={formatCount(stats.expired)} tone="danger" />
    </dl>
  );
}
