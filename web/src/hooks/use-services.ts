import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";
import { mergeCatalog, type ServiceMeta } from "../lib/services";

/** The service catalog; falls back to built-in labels and hints until (or unless) the server answers. */
export function useServices(): ServiceMeta[] {
  const { client } = useKeyhaven();
  const query = useQuery({
    queryKey: keyhavenQueryKeys.services(client.baseUrl),
    queryFn: () => client.listServices(),
    staleTime: Infinity,
  });
  return useMemo(() => mergeCatalog(query.data), [query.data]);
}
