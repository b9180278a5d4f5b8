import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

interface Props {
  /** One entry a day; `label` is the day as the x axis shows it. */
  data: { label: string }[];
  /** The field of `data` the bars show. */
  dataKey: string;
  /** The figure's name, in the tooltip. */
  name: string;
  /** The chart's accessible title. */
  title: string;
  /** How the tooltip writes a figure. */
  format: (value: number) => string;
  /** How the y axis writes its ticks; unset, as numbers are. */
  tickFormatter?: (value: number) => string;
  allowDecimals?: boolean;
  /** Room for the y axis's ticks; a wider axis wants less of the left margin taken back. */
  yAxisWidth?: number;
  marginLeft?: number;
}

/** The usage pages' bar chart of a figure per day: one look (grid, axes, tooltip, bar) for all of them. */
export function DailyBarChart({
  data,
  dataKey,
  name,
  title,
  format,
  tickFormatter,
  allowDecimals = false,
  yAxisWidth = 48,
  marginLeft = -16,
}: Props) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: marginLeft }} title={title}>
        <CartesianGrid vertical={false} stroke="#e9ecf2" />
        <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} stroke="#667085" minTickGap={16} />
        <YAxis allowDecimals={allowDecimals} tickLine={false} axisLine={false} fontSize={12} stroke="#667085" width={yAxisWidth} tickFormatter={tickFormatter} />
        <Tooltip
          cursor={{ fill: "rgba(79, 70, 229, 0.06)" }}
          formatter={(value) => [format(Number(value)), name]}
          contentStyle={{ borderRadius: 8, border: "1px solid #e4e7ec", fontSize: 13 }}
        />
        <Bar dataKey={dataKey} name={name} fill="#4f46e5" radius={[4, 4, 0, 0]} maxBarSize={28} />
      </BarChart>
    </ResponsiveContainer>
  );
}
