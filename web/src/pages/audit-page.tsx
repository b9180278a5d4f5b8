import "../styles/audit.css";
import { Download, ScrollText } from "lucide-react";
import { useState } from "react";
import { AuditEventRow } from "../components/audit-event-row";
import { AuditFiltersForm } from "../components/audit-filters-form";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { Spinner } from "../components/spinner";
import { useAccessTokens } from "../hooks/use-access-tokens";
import { useAuditLog } from "../hooks/use-audit-log";
import { useSession } from "../hooks/use-session";
import { useApiKeyList, useKeyhaven } from "../keyhaven";
import { auditExportUrl, hasAuditFilters, NO_AUDIT_FILTERS, type AuditFilters } from "../lib/audit-filters";

/** Audit log: who did what to your keys, tokens and account (admins: everyone's), filtered, newest first, exported as shown. */
export function AuditPage() {
  const { client } = useKeyhaven();
  const user = useSession().data?.user;
  const { apiKeys } = useApiKeyList();
  const tokens = useAccessTokens();
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const log = useAuditLog(filters);

  const events = log.data?.pages.flatMap((p) => p.events) ?? [];
  let body;
  if (log.isLoading) body = <LoadingState label="Loading the audit log…" />;
  else if (log.error) body = <ErrorState title="Couldn't load the audit log" error={log.error} onRetry={() => void log.refetch()} />;
  else if (events.length === 0)
    body = (
      <EmptyState icon={<ScrollText size={28} />} title={hasAuditFilters(filters) ? "No events match these filters" : "No events yet"}>
        <p className="state__text">
          {hasAuditFilters(filters) ? "Try a wider date range or another action." : "Adding, revealing or using a key, and signing in, are recorded here."}
        </p>
      </EmptyState>
    );
  else
    body = (
      <>
        <ol className="audit-list" aria-label="Audit events, newest first">
          {events.map((event) => (
            <AuditEventRow key={event.id} event={event} />
          ))}
        </ol>
        {log.hasNextPage && (
          <div className="audit-more">
            <button type="button" className="btn btn--secondary" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
              {log.isFetchingNextPage && <Spinner size={14} />}
              Load more
            </button>
          </div>
        )}
      </>
    );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to your keys and tokens, every reveal and use, and every sign-in — newest first. Never a secret."
        actions={
          <div className="audit-export" role="group" aria-label="Export the filtered log">
            {(["csv", "jsonl"] as const).map((format) => (
              <a key={format} className="btn btn--secondary" href={auditExportUrl(client.baseUrl, filters, format)} download>
                <Download size={16} aria-hidden="true" />
                {format === "csv" ? "CSV" : "JSON Lines"}
              </a>
            ))}
          </div>
        }
      />
      {user && (
        <AuditFiltersForm
          filters={filters}
          onChange={setFilters}
          keys={apiKeys}
          tokens={tokens.data ?? []}
          userId={user.id}
          isAdmin={Boolean(user.isAdmin)}
        />
      )}
      {body}
    </>
  );
}
