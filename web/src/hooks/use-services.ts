import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";
import { serviceLabel } from "../lib/services";

/** The server's service catalog, in its order; fetched once per session of the app. */
export function useServices() {
  const { client } = useKeyhaven();
  return useQuery({
    queryKey: keyhavenQueryKeys.services(client.baseUrl),
    queryFn: () => client.listServices(),
    staleTime: Infinity,
  });
}

/** `id → label` from the catalog; the id while it loads or if it failed to. */
export function useServiceLabel(): (id: string) => string {
  const { data } = useServices();
  return useCallback((id: string) => serviceLabel(data, id), [data]);
}
