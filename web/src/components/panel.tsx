import { createContext, useContext, type ReactNode } from "react";

/** The level of panel titles below: 2 on a page, 3 inside a titled section of one (the Usage page's). */
export const PanelHeadingLevel = createContext<2 | 3>(2);

/** A dashboard panel: a section named by its title (`titleId`), with an optional line of meta beside it. */
export function Panel({ titleId, title, meta, children }: { titleId: string; title: ReactNode; meta?: ReactNode; children: ReactNode }) {
  const Heading = useContext(PanelHeadingLevel) === 3 ? "h3" : "h2";
  return (
    <section className="panel" aria-labelledby={titleId}>
      <header className="panel__header">
        <Heading className="panel__title" id={titleId}>
          {title}
        </Heading>
        {meta !== undefined && <p className="panel__meta">{meta}</p>}
      </header>
      {children}
    </section>
  );
}
