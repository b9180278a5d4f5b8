/**
 * The records a snapshot is made of, in this order: one `snapshot` record; per table a `table`
 * header then its `row` records; one `end` record with the row count of every table. Plain
 * JSON-able objects: the backup file frames and encrypts them as they are. Values are portable
 * between SQLite and PostgreSQL (snapshot-tables.ts says how each column travels).
 */
import type { DialectName } from "../db/connect.js";
import { AppError } from "../platform/errors.js";
import type { ColumnKind } from "./snapshot-tables.js";

/** Bumped when the records change shape (not when a migration adds a column: `schema` says that). */
export const SNAPSHOT_FORMAT = 1;

export type PortableValue = string | number | boolean | null;

export interface SnapshotHeader {
  kind: "snapshot";
  format: typeof SNAPSHOT_FORMAT;
  /** The last migration of the source: a restore needs a target migrated to exactly that one. */
  schema: string;
  sourceDialect: DialectName;
  /** When the snapshot's transaction began (ISO-8601 UTC). */
  takenAt: string;
  /** Rows in all tables of the snapshot (exact: counted inside it), for progress. */
  totalRows: number;
}

export interface TableRecord {
  kind: "table";
  name: string;
  /** The columns every row of this table has, in order. */
  columns: string[];
}

export interface RowRecord {
  kind: "row";
  table: string;
  row: Record<string, PortableValue>;
}

export interface EndRecord {
  kind: "end";
  /** Rows per table, every table of the snapshot named (0 included). */
  counts: Record<string, number>;
}

export type BackupRecord = SnapshotHeader | TableRecord | RowRecord | EndRecord;

export interface BackupProgress {
  rows: number;
  /** The snapshot's row count (known from its first record; 0 until then on restore). */
  total: number;
}

/** A snapshot that cannot be restored as it is: damaged, cut short, or from another version. */
export const unusableSnapshot = (message: string) => new AppError("VALIDATION_ERROR", `backup: ${message}`);

// SQLite's CURRENT_TIMESTAMP (a column default) is "YYYY-MM-DD HH:MM:SS", in UTC.
const SQLITE_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function isoTime(value: unknown, where: string): string {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(SQLITE_TIMESTAMP.test(value) ? `${value.replace(" ", "T")}Z` : value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw unusableSnapshot(`${where} is not a date`);
  return date.toISOString();
}

/** A stored value in its portable form (the reader's side). */
export function toPortable(kind: Exclude<ColumnKind, "dataKey">, value: unknown, where: string): PortableValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "text":
      if (typeof value !== "string") throw unusableSnapshot(`${where} is not text`);
      return value;
    case "int": {
      const n = typeof value === "bigint" || typeof value === "string" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isSafeInteger(n)) throw unusableSnapshot(`${where} is not an integer`);
      return n;
    }
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === 0 || value === 1) return value === 1;
      throw unusableSnapshot(`${where} is not a boolean`);
    case "time":
      return isoTime(value, where);
  }
}

/** A portable value as the target dialect stores it (the writer's side); checks its type too. */
export function fromPortable(kind: Exclude<ColumnKind, "dataKey">, value: unknown, dialect: DialectName, where: string): string | number | boolean | null {
  if (value === null) return null;
  switch (kind) {
    case "text":
      if (typeof value !== "string") throw unusableSnapshot(`${where} is not text`);
      return value;
    case "int":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw unusableSnapshot(`${where} is not an integer`);
      return value;
    case "bool":
      if (typeof value !== "boolean") throw unusableSnapshot(`${where} is not a boolean`);
      return dialect === "sqlite" ? (value ? 1 : 0) : value;
    case "time":
      if (typeof value !== "string") throw unusableSnapshot(`${where} is not a date`);
      // ISO text in both: better-auth's SQLite form, and what PostgreSQL reads into timestamptz.
      return isoTime(value, where);
  }
}
