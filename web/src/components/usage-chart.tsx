import { STATS_DAYS } from "../../../src/shared/stats-days";
import type { KeyStats } from "../keyhaven";
import { formatCount, formatDay } from "../lib/format-date";
import { DailyBarChart } from "./daily-bar-chart";
import { DailyTable } from "./daily-table";
import { Panel } from "./panel";

/**
 * Uses per day over the last STATS_DAYS days. Recharts' accessibility layer makes the chart focusable
 * (arrow keys move the tooltip); a visually hidden table carries the same numbers for screen readers.
 */
export function UsageChart({ usageByDay }: { usageByDay: KeyStats["usageByDay"] }) {
  const data = usageByDay.map((d) => ({ ...d, label: formatDay(d.date) }));
  const total = usageByDay.reduce((n, d) => n + d.count, 0);
  return (
    <Panel titleId="usage-chart-title" title="Uses per day" meta={`Last ${STATS_DAYS} days · ${formatCount(total)} total`}>
      <div className="chart" data-testid="usage-chart">
        <DailyBarChart data={data} dataKey="count" name="Uses" title={`Uses per day, last ${STATS_DAYS} days`} format={formatCount} />
        {total === 0 && <p className="chart__empty">No uses in the last {STATS_DAYS} days. They appear here when your apps fetch keys.</p>}
      </div>
      <DailyTable caption={`Uses per day, last ${STATS_DAYS} days`} columns={["Uses"]} rows={data} cells={(d) => [d.count]} />
    </Panel>
  );
}
