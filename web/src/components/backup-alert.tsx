import { TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";

/** A failed or overdue scheduled backup, said at once (role="alert"); `children` says what to do. */
export function BackupAlert({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div className="alert-banner" role="alert" data-testid="backup-alert">
      <TriangleAlert size={18} aria-hidden="true" />
      <div className="alert-banner__text">
        <p className="alert-banner__title">Backups need attention</p>
        <p className="alert-banner__message">{message}</p>
        {children}
      </div>
    </div>
  );
}
