import { useId } from "react";

/** The periods a Usage page offers (a team's hand-out report goes back 90 days at most: TEAM_USAGE_DAYS_MAX). */
export const RANGES = [7, 30, 90] as const;

/** A Usage section's period: the last 7, 30 or 90 days; `describedBy` names the section it applies to. */
export function RangePicker({ days, onChange, describedBy }: { days: number; onChange: (days: number) => void; describedBy?: string }) {
  const id = useId();
  return (
    <span className="range-picker">
      <label htmlFor={id}>Period</label>
      <select id={id} className="input select input--compact" value={days} aria-describedby={describedBy} onChange={(e) => onChange(Number(e.target.value))}>
        {RANGES.map((d) => (
          <option key={d} value={d}>
            Last {d} days
          </option>
        ))}
      </select>
    </span>
  );
}
