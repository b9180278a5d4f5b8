import { ErrorState } from "../components/error-state";
import { ExpiringKeys } from "../components/expiring-keys";
import { RotationDueKeys } from "../components/rotation-due-keys";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { ServiceBreakdown } from "../components/service-breakdown";
import { StatGrid } from "../components/stat-grid";
import { UsageChart } from "../components/usage-chart";
import { useKeyStats } from "../hooks/use-key-stats";
import { useApiKeyList } from "../keyhaven";

export function UsagePage() {
  const stats = useKeyStats();
  const { apiKeys, error: keysError, isLoading: keysLoading, refreshApiKeys } = useApiKeyList();

  let body;
  if (stats.isLoading) body = <LoadingState label="Loading usage…" />;
  else if (stats.error || !stats.data) body = <ErrorState title="Couldn't load usage" error={stats.error} onRetry={() => void stats.refetch()} />;
  else
    body = (
      <>
        <StatGrid stats={stats.data} />
        <UsageChart usageByDay={stats.data.usageByDay} />
        <div className="panel-grid">
          <ServiceBreakdown byService={stats.data.byService} />
          {keysLoading ? (
            <LoadingState label="Loading keys…" />
          ) : keysError ? (
            <ErrorState title="Couldn't load your keys" error={keysError} onRetry={() => void refreshApiKeys()} />
          ) : (
            <>
              <ExpiringKeys apiKeys={apiKeys} />
              <RotationDueKeys apiKeys={apiKeys} />
            </>
          )}
        </div>
      </>
    );

  return (
    <>
      <PageHeader title="Usage" description="How often your applications fetched your keys." />
      {body}
    </>
  );
}
