import { useState } from "react";
import { ErrorState } from "../components/error-state";
import { ExpiringKeys } from "../components/expiring-keys";
import { GatewayUsageSection } from "../components/gateway-usage-section";
import { RotationDueKeys } from "../components/rotation-due-keys";
import { LoadingState } from "../components/loading-state";
import { PageHeader } from "../components/page-header";
import { ServiceBreakdown } from "../components/service-breakdown";
import { StatGrid } from "../components/stat-grid";
import { UsageChart } from "../components/usage-chart";
import { UsageSection } from "../components/usage-section";
import { useKeyStats } from "../hooks/use-key-stats";
import { useApiKeyList } from "../keyhaven";

/**
 * `/usage`: two different things, kept apart and named. Through the gateway: requests your apps
 * sent to a provider via Keyhaven (metered: tokens, cost, budgets). Hand-outs: your keys given to
 * apps by the library or `/api/resolve` (Keyhaven never sees those requests), and to the gateway per request.
 */
export function UsagePage() {
  const [days, setDays] = useState(30);
  const stats = useKeyStats();
  const { apiKeys, error: keysError, isLoading: keysLoading, refreshApiKeys } = useApiKeyList();

  let handOuts;
  if (stats.isLoading) handOuts = <LoadingState label="Loading usage…" />;
  else if (stats.error || !stats.data) handOuts = <ErrorState title="Couldn't load usage" error={stats.error} onRetry={() => void stats.refetch()} />;
  else
    handOuts = (
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
      <PageHeader title="Usage" description="What your apps did with your keys: requests through the gateway, and keys handed out." />
      <UsageSection
        name="gateway"
        title="Through the gateway"
        description={
          <>
            Requests your apps sent to providers via <code>/gateway/…</code> with an access token: tokens and cost metered, limits enforced.
          </>
        }
        period={{ days, onChange: setDays }}
      >
        <GatewayUsageSection days={days} />
      </UsageSection>
      <UsageSection
        name="handouts"
        title="Hand-outs (library, /api/resolve)"
        description={
          <>
            How often your keys were handed out: to apps by the library or <code>/api/resolve</code> (Keyhaven never sees what they send), and to the gateway for each
            request it forwards.
          </>
        }
      >
        {handOuts}
      </UsageSection>
    </>
  );
}
