/** What backup and restore show: rows/total on a terminal (stderr, throttled), one summary line at the end. */
import { progressLine } from "../client/progress.js";
import type { BackupProgress } from "../../backup/snapshot-records.js";

export function rowsProgress(verb: string): { update(p: BackupProgress): void; clear(): void } {
  const line = progressLine();
  let last = 0;
  return {
    update({ rows, total }) {
      const t = Date.now();
      if (t - last < 100 && rows < total) return;
      last = t;
      line.update(total > 0 ? `${verb}: ${rows}/${total} rows (${Math.floor((rows / total) * 100)}%)` : `${verb}: ${rows} rows`);
    },
    clear: () => line.clear(),
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** "2.4 s (3.1 MB/s, 12000 rows/s)" */
export function formatRate(rows: number, bytes: number, ms: number): string {
  const s = Math.max(ms, 1) / 1000;
  return `${s.toFixed(1)} s (${(bytes / 1024 ** 2 / s).toFixed(1)} MB/s, ${Math.round(rows / s)} rows/s)`;
}

/** "2 users, 5 keys, 1 team, 40 audit events" from rows per table. */
export function describeCounts(counts: Record<string, number>): string {
  const n = (table: string) => counts[table] ?? 0;
  const plural = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  return [plural(n("user"), "user"), plural(n("api_keys"), "key"), plural(n("organization"), "team"), plural(n("access_tokens"), "access token"), plural(n("audit_events"), "audit event")].join(", ");
}
