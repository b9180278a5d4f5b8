/**
 * Reads a backup file back whole without restoring it: decrypted (every chunk authenticated,
 * none missing), decoded record by record, its rows counted per table against its own end
 * record and against what was written. A file that passes restores as far as the file can
 * tell; whether the target accepts it (its schema, its master key) is the restore's business.
 */
import fs from "node:fs";
import { snapshotRecordsOf } from "./backup-file.js";

export interface VerifiedBackup {
  /** Rows per table, as the file's end record names them and as counted. */
  counts: Record<string, number>;
  rows: number;
}

export async function verifyBackupFile(file: string, passphrase: string, expected?: Record<string, number>): Promise<VerifiedBackup> {
  const seen: Record<string, number> = {};
  let header = false;
  let end: Record<string, number> | undefined;
  for await (const record of snapshotRecordsOf(fs.createReadStream(file), passphrase)) {
    if (record.kind === "snapshot") header = true;
    else if (record.kind === "row") seen[record.table] = (seen[record.table] ?? 0) + 1;
    else if (record.kind === "end") end = record.counts;
  }
  if (!header || !end) throw new Error("the backup file has no snapshot header or no end record");
  for (const table of new Set([...Object.keys(end), ...Object.keys(seen), ...Object.keys(expected ?? {})])) {
    const counted = seen[table] ?? 0;
    if (counted !== (end[table] ?? 0)) throw new Error(`the backup file holds ${counted} ${table} rows, its end record says ${end[table] ?? 0}`);
    if (expected && counted !== (expected[table] ?? 0)) throw new Error(`the backup file holds ${counted} ${table} rows, ${expected[table] ?? 0} were written`);
  }
  return { counts: end, rows: Object.values(seen).reduce((a, b) => a + b, 0) };
}
