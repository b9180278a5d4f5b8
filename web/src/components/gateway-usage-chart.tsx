import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatDay } from "../lib/format-date";
import { formatUsd, type DayPoint } from "../lib/gateway-usage";
import { Panel } from "./panel";

const METRICS = {
  requests: { label: "Requests", format: formatCount },
  tokens: { label: "Tokens", format: formatCount },
  costUsd: { label: "Cost", format: formatUsd },
} as const;
type Metric = keyof typeof METRICS;

/**
 * Requests, tokens or cost per day through the gateway, in the style of the hand-outs chart
 * (usage-chart.tsx). A visually hidden table carries all three figures for screen readers.
 */
export function GatewayUsageChart({ points, days }: { points: DayPoint[]; days: number }) {
  const [metric, setMetric] = useState<Metric>("requests");
  const { label, format } = METRICS[metric];
  const data = points.map((d) => ({ ...d, label: formatDay(d.date) }));
  const total = points.reduce((n, d) => n + d.requests, 0);
  const switcher = (
    <span className="segmented" role="group" aria-label="Chart shows">
      {(Object.keys(METRICS) as Metric[]).map((m) => (
        <button key={m} type="button" className="segmented__option" aria-pressed={m === metric} onClick={() => setMetric(m)}>
          {METRICS[m].label}
        </button>
      ))}
    </span>
  );
  return (
    <Panel titleId="gateway-chart-title" title={`${label} per day`} meta={switcher}>
      <div className="chart" data-testid="gateway-chart">
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: metric === "costUsd" ? 0 : -16 }} title={`${label} per day through the gateway, last ${days} days`}>
            <CartesianGrid vertical={false} stroke="#e9ecf2" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} stroke="#667085" minTickGap={16} />
            <YAxis allowDecimals={metric === "costUsd"} tickLine={false} axisLine={false} fontSize={12} stroke="#667085" width={metric === "costUsd" ? 64 : 48} tickFormatter={(v: number) => format(v)} />
            <Tooltip
              cursor={{ fill: "rgba(79, 70, 229, 0.06)" }}
              formatter={(value) => [format(Number(value)), label]}
              contentStyle={{ borderRadius: 8, border: "1px solid #e4e7ec", fontSize: 13 }}
            />
            <Bar dataKey={metric} name={label} fill="#4f46e5" radius={[4, 4, 0, 0]} maxBarSize={28} />
          </BarChart>
        </ResponsiveContainer>
        {total === 0 && <p className="chart__empty">No requests through the gateway in the last {days} days.</p>}
      </div>
      {metric === "costUsd" && points.some((p) => p.unpricedRequests > 0) && (
        <p className="gw-chart__note">Days with unpriced requests cost more than the bar shows: their cost is unknown.</p>
      )}
      {/* Tables ignore overflow, so the hiding is done by a wrapper. */}
      <div className="sr-only">
        <table>
          <caption>Requests, tokens and cost per day through the gateway, last {days} days</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Requests</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.date}>
                <td>{d.label}</td>
                <td>{d.requests}</td>
                <td>{d.tokens}</td>
                <td>
                  {formatUsd(d.costUsd)}
                  {d.unpricedRequests > 0 && `, and ${d.unpricedRequests} unpriced`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
