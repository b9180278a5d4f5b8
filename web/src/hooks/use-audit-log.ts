/** The audit log on TanStack Query, newest first, a page at a time ("Load more" follows the cursor). */
import { useInfiniteQuery } from "@tanstack/react-query";
import type { AuditList } from "../../../src/shared/api-schemas.js";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";
import { callApi } from "../lib/api-call";
import { auditSearchParams, type AuditFilters } from "../lib/audit-filters";

export const AUDIT_PAGE_SIZE = 50;

export function useAuditLog(filters: AuditFilters) {
  const { client } = useKeyhaven();
  const query = auditSearchParams(filters).toString();
  return useInfiniteQuery({
    // Under the app's "keyhaven" prefix: signing out drops it with every other user query.
    queryKey: [...keyhavenQueryKeys.all(client.baseUrl), "audit", query],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(query);
      params.set("limit", String(AUDIT_PAGE_SIZE));
      if (pageParam) params.set("cursor", pageParam);
      return callApi<AuditList>(client.baseUrl, "GET", `/api/audit?${params.toString()}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });
}
