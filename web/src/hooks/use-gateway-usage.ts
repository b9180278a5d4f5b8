/** The gateway's usage report and limits on TanStack Query, and saving a token's or member's limits. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";
import { gatewayApi } from "../lib/gateway-api";
import type { UsageGroup } from "../../../src/shared/limits.js";

// Under the app's "keyhaven" root, so signing out forgets them too.
const gatewayKeys = {
  all: (baseUrl: string) => [...keyhavenQueryKeys.all(baseUrl), "gateway"] as const,
  usage: (baseUrl: string, days: number, groupBy: UsageGroup, teamId: string | null) => [...gatewayKeys.all(baseUrl), "usage", days, groupBy, teamId] as const,
  limits: (baseUrl: string) => [...gatewayKeys.all(baseUrl), "limits"] as const,
};

function useGatewayApi() {
  const { client } = useKeyhaven();
  return { baseUrl: client.baseUrl, api: useMemo(() => gatewayApi(client.baseUrl), [client.baseUrl]) };
}

/** Requests are metered by the gateway as apps call it: the page keeps itself fresh. One's own, or with `teamId` the team's. */
export function useGatewayUsage(days: number, groupBy: UsageGroup, teamId?: string) {
  const { baseUrl, api } = useGatewayApi();
  return useQuery({ queryKey: gatewayKeys.usage(baseUrl, days, groupBy, teamId ?? null), queryFn: () => api.usage(days, groupBy, teamId), refetchInterval: 30_000 });
}

export function useLimitOverview() {
  const { baseUrl, api } = useGatewayApi();
  return useQuery({ queryKey: gatewayKeys.limits(baseUrl), queryFn: api.limits, refetchInterval: 30_000, staleTime: 0 });
}

/** After any limit changes: the overview (and the bars drawn from it) is fetched again. */
export function useRefreshLimits() {
  const { baseUrl } = useGatewayApi();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: gatewayKeys.limits(baseUrl) });
}

export function useLimitSetters() {
  const { api } = useGatewayApi();
  const refresh = useRefreshLimits();
  return {
    token: useMutation({ mutationFn: (v: { id: string; limits: Parameters<typeof api.setTokenLimits>[1] }) => api.setTokenLimits(v.id, v.limits), onSettled: refresh }),
    member: useMutation({
      mutationFn: (v: { teamId: string; userId: string; limits: Parameters<typeof api.setMemberLimits>[2] }) => api.setMemberLimits(v.teamId, v.userId, v.limits),
      onSettled: refresh,
    }),
  };
}
