import { useState } from "react";
import { formatCount, formatDay } from "../lib/format-date";
import { formatUsd, type DayPoint } from "../lib/gateway-usage";
import { DailyBarChart } from "./daily-bar-chart";
import { DailyTable } from "./daily-table";
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
        <DailyBarChart
          data={data}
          dataKey={metric}
          name={label}
          title={`${label} per day through the gateway, last ${days} days`}
          format={format}
          tickFormatter={format}
          // Cost is fractional and its ticks carry a dollar sign: decimals, and a wider axis.
          allowDecimals={metric === "costUsd"}
          yAxisWidth={metric === "costUsd" ? 64 : 48}
          marginLeft={metric === "costUsd" ? 0 : -16}
        />
        {total === 0 && <p className="chart__empty">No requests through the gateway in the last {days} days.</p>}
      </div>
      {metric === "costUsd" && points.some((p) => p.unpricedRequests > 0) && (
        <p className="gw-chart__note">Days with unpriced requests cost more than the bar shows: their cost is unknown.</p>
      )}
      <DailyTable
        caption={`Requests, tokens and cost per day through the gateway, last ${days} days`}
        columns={["Requests", "Tokens", "Cost"]}
        rows={data}
        cells={(d) => [
          d.requests,
          d.tokens,
          <>
            {formatUsd(d.costUsd)}
            {d.unpricedRequests > 0 && `, and ${d.unpricedRequests} unpriced`}
          </>,
        ]}
      />
    </Panel>
  );
}
