import type { ReactNode } from "react";
import { PanelHeadingLevel } from "./panel";
import { RangePicker } from "./range-picker";

/**
 * One of a Usage page's two parts (through the gateway, hand-outs): its title, what it counts,
 * its period when it has one, and its panels a heading level below.
 */
export function UsageSection({
  name,
  title,
  description,
  period,
  children,
}: {
  /** "gateway" or "handouts": the section's test id and its title's id. */
  name: string;
  title: ReactNode;
  description: ReactNode;
  period?: { days: number; onChange: (days: number) => void };
  children: ReactNode;
}) {
  const titleId = `${name}-section-title`;
  return (
    <section className="usage-section" aria-labelledby={titleId} data-testid={`${name}-section`}>
      <header className="usage-section__header">
        <div>
          <h2 className="usage-section__title" id={titleId}>
            {title}
          </h2>
          <p className="usage-section__description">{description}</p>
        </div>
        {period && <RangePicker days={period.days} onChange={period.onChange} describedBy={titleId} />}
      </header>
      <PanelHeadingLevel value={3}>{children}</PanelHeadingLevel>
    </section>
  );
}
