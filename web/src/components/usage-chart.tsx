import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { STATS_DAYS } from "../../../src/shared/stats-days";
import type { KeyStats } from "../keyhaven";
import { formatCount, formatDay } from "../lib/format-date";
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
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} title={`Uses per day, last ${STATS_DAYS} days`}>
            <CartesianGrid vertical={false} stroke="#e9ecf2" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} stroke="#667085" minTickGap={16} />
            <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={12} stroke="#667085" width={48} />
            <Tooltip
              cursor={{ fill: "rgba(79, 70, 229, 0.06)" }}
              formatter={(value) => [formatCount(Number(value)), "Uses"]}
              contentStyle={{ borderRadius: 8, border: "1px solid #e4e7ec", fontSize: 13 }}
            />
            <Bar dataKey="count" name="Uses" fill="#4f46e5" radius={[4, 4, 0, 0]} maxBarSize={28} />
          </BarChart>
        </ResponsiveContainer>
        {total === 0 && <p className="chart__empty">No uses in the last {STATS_DAYS} days. They appear here when your apps fetch keys.</p>}
      </div>
      {/* Tables ignore overflow, so the hiding is done by a wrapper. */}
      <div className="sr-only">
      <table>
        <caption>Uses per day, last {STATS_DAYS} days</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Uses</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.date}>
              <td>{d.label}</td>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </Panel>
  );
}
