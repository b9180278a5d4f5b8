import type { ReactNode } from "react";

export function StatCard({ label, value, tone, icon }: { label: string; value: string; tone?: "success" | "warning" | "danger" | "muted"; icon?: ReactNode }) {
  return (
    <div className={`stat-card${tone ? ` stat-card--${tone}` : ""}`}>
      <dt className="stat-card__label">
        {icon}
        {label}
      </dt>
      <dd className="stat-card__value">{value}</dd>
    </div>
  );
}
