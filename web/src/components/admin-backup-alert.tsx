import { useBackupStatus } from "../hooks/use-admin";
import { useLocation } from "../router";
import { AppLink } from "./app-link";
import { BackupAlert } from "./backup-alert";

const BACKUPS_PAGE = "/admin/backups";

/**
 * On every page an admin opens, the scheduled backups' alert (a failed or overdue backup), with
 * the way to the Backups page; nothing for others, and nothing asked of the server for them.
 */
export function AdminBackupAlert({ isAdmin }: { isAdmin: boolean }) {
  const { pathname } = useLocation();
  const status = useBackupStatus(isAdmin);
  // The Backups page shows the alert itself, beside the details.
  if (!isAdmin || pathname === BACKUPS_PAGE || !status.data?.alert) return null;
  return (
    <BackupAlert message={status.data.alert}>
      <AppLink className="alert-banner__link" to={BACKUPS_PAGE}>
        See the backups
      </AppLink>
    </BackupAlert>
  );
}
