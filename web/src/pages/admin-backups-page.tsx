import { DatabaseBackup } from "lucide-react";
import type { BackupStatus } from "../../../src/shared/api-schemas.js";
import { BackupAlert } from "../components/backup-alert";
import { BackupHistoryList } from "../components/backup-history-list";
import { BackupRunDetails } from "../components/backup-run-details";
import { BackupSummary } from "../components/backup-summary";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { Fact } from "../components/fact";
import { ListBody } from "../components/list-body";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { Panel } from "../components/panel";
import { BACKUP_HISTORY_LIMIT, useBackupHistory, useBackupStatus } from "../hooks/use-admin";

/** Admins only: the server's scheduled backups — on or off, the last one, the next, the history, and any alert. */
export function AdminBackupsPage() {
  const status = useBackupStatus();
  let body;
  if (status.isLoading) body = <LoadingState label="Loading the backups…" />;
  else if (!status.data) body = <ErrorState title="Couldn't load the backups" error={status.error} onRetry={() => void status.refetch()} />;
  else body = <BackupDetails status={status.data} />;
  return (
    <>
      <PageHeader title="Backups" description="The server's scheduled backups of the whole instance: encrypted, and each read back whole before it counts." />
      {body}
    </>
  );
}

function BackupDetails({ status }: { status: BackupStatus }) {
  return (
    <div className="backups">
      {status.alert && <BackupAlert message={status.alert} />}
      {/* Off and never run: a row of dashes would say nothing the note below does not. */}
      {(status.enabled || status.last) && <BackupSummary status={status} />}
      {!status.enabled && (
        <EmptyState icon={<DatabaseBackup size={28} />} title="Scheduled backups are off">
          <p className="state__text">
            Set <code>KEYHAVEN_BACKUP_DIR</code> and <code>KEYHAVEN_BACKUP_PASSPHRASE_FILE</code> on the server to back up on a schedule.
          </p>
        </EmptyState>
      )}
      {status.last && (
        <Panel titleId="backups-last" title="Last backup">
          <BackupRunDetails run={status.last} />
        </Panel>
      )}
      {status.enabled && (
        <Panel titleId="backups-settings" title="Settings">
          <dl className="facts" data-testid="backup-settings">
            <Fact label="Directory">
              <code className="facts__code">{status.dir}</code>
            </Fact>
            <Fact label="Every">{`${status.everyHours} hour${status.everyHours === 1 ? "" : "s"}`}</Fact>
            <Fact label="Keeps">{`The newest ${status.keep} file${status.keep === 1 ? "" : "s"}`}</Fact>
          </dl>
        </Panel>
      )}
      <Panel titleId="backups-history" title="History" meta={`Backups written and verified, newest first (up to ${BACKUP_HISTORY_LIMIT})`}>
        <BackupHistory />
      </Panel>
    </div>
  );
}

function BackupHistory() {
  const history = useBackupHistory();
  return (
    <ListBody
      query={history}
      loadingLabel="Loading the history…"
      errorTitle="Couldn't load the history"
      empty={<p className="panel__empty">No scheduled backup has been written yet.</p>}
    >
      {(events) => <BackupHistoryList events={events} />}
    </ListBody>
  );
}
