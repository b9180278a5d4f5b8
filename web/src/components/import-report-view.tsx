import { CircleCheck, CircleMinus, CircleX } from "lucide-react";
import type { ReactNode } from "react";
import type { ImportReport } from "../../../src/shared/api-schemas.js";
import { useServices } from "../hooks/use-services";
import { serviceLabel } from "../lib/services";

interface Props {
  report: ImportReport;
  /** "preview": what would happen (nothing written yet); "result": what did. */
  mode: "preview" | "result";
}

const plural = (n: number) => `${n} key${n === 1 ? "" : "s"}`;

/** An import's outcome per key, in three groups: created, skipped (duplicate names), refused (with why). */
export function ImportReportView({ report, mode }: Props) {
  const preview = mode === "preview";
  return (
    <div className="import-report" data-testid={`import-${mode}`}>
      <ReportGroup
        kind="created"
        icon={<CircleCheck size={16} aria-hidden="true" />}
        title={`${preview ? "Will be added" : "Added"}: ${plural(report.created.length)}`}
        entries={report.created.map((k) => ({ ...k, reason: null }))}
      />
      <ReportGroup
        kind="skipped"
        icon={<CircleMinus size={16} aria-hidden="true" />}
        title={`${preview ? "Will be skipped" : "Skipped"} (name already used): ${plural(report.skipped.length)}`}
        entries={report.skipped.map((k) => ({ ...k, reason: null }))}
      />
      <ReportGroup
        kind="refused"
        icon={<CircleX size={16} aria-hidden="true" />}
        title={`${preview ? "Can't be imported" : "Not imported"}: ${plural(report.refused.length)}`}
        entries={report.refused}
      />
    </div>
  );
}

interface GroupProps {
  kind: "created" | "skipped" | "refused";
  icon: ReactNode;
  title: string;
  entries: { name: string; service: string; reason: string | null }[];
}

/** One group, left out when empty. */
function ReportGroup({ kind, icon, title, entries }: GroupProps) {
  const services = useServices();
  if (entries.length === 0) return null;
  return (
    <section className={`import-report__group import-report__group--${kind}`} data-testid={`import-${kind}`} aria-label={title}>
      <h3 className="import-report__title">
        {icon}
        {title}
      </h3>
      <ul className="import-report__list">
        {entries.map((entry, i) => (
          <li key={`${entry.service}:${entry.name}:${i}`} className="import-report__item">
            <span className="import-report__name">{entry.name || "(no name)"}</span>
            <span className="import-report__service">{serviceLabel(services.data, entry.service)}</span>
            {entry.reason && <span className="import-report__reason">{entry.reason}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
