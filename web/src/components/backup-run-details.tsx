import type { BackupRunView } from "../../../src/shared/api-schemas.js";
import { formatBytes } from "../lib/format-bytes";
import { formatCount, formatDateTime } from "../lib/format-date";
import { BackupRunBadge } from "./backup-run-badge";
import { Fact } from "./fact";

/** One scheduled run in full: its outcome, times, file, size and rows, or why it failed. */
export function BackupRunDetails({ run }: { run: BackupRunView }) {
  return (
    <dl className="facts" data-testid="backup-last">
      <Fact label="Outcome">
        <BackupRunBadge status={run.status} />
      </Fact>
      <Fact label="Started">{formatDateTime(run.startedAt)}</Fact>
      <Fact label="Finished">{formatDateTime(run.finishedAt)}</Fact>
      {run.file && (
        <Fact label="File">
          <code className="facts__code">{run.file}</code>
        </Fact>
      )}
      {run.bytes !== null && <Fact label="Size">{formatBytes(run.bytes)}</Fact>}
      {run.rows !== null && <Fact label="Rows">{formatCount(run.rows)}</Fact>}
      {run.error && (
        <Fact label="Error">
          <span className="facts__error">{run.error}</span>
        </Fact>
      )}
    </dl>
  );
}
