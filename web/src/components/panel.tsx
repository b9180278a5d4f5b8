import type { ReactNode } from "react";

/** A dashboard panel: a section named by its h2 title (`titleId`), with an optional line of meta beside it. */
export function Panel({ titleId, title, meta, children }: { titleId: string; title: ReactNode; meta?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={titleId}>
      <header className="panel__header">
        <h2 className="panel__title" id={titleId}>
          {title}
        </h2>
        {meta !== undefined && <p className="panel__meta">{meta}</p>}
      </header>
      {children}
    </section>
  );
}
