import type { ReactNode } from "react";

interface Props<T extends { date: string; label: string }> {
  caption: string;
  /** The headings of the columns after "Day". */
  columns: string[];
  /** One entry a day; `label` is the day as written in the first column. */
  rows: T[];
  /** A row's cells after its day, in the order of `columns`. */
  cells: (row: T) => ReactNode[];
}

/** The figures behind a chart of days, as a visually hidden table: what a screen reader reads in its place. */
export function DailyTable<T extends { date: string; label: string }>({ caption, columns, rows, cells }: Props<T>) {
  return (
    // Tables ignore overflow, so the hiding is done by a wrapper.
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.date}>
              <td>{row.label}</td>
              {cells(row).map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
