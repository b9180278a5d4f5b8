import { useQuery } from "@tanstack/react-query";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";

export function useKeyStats() {
  const { client } = useKeyhaven();
  // Uses are counted by other processes (apiKeyProvider), so the page keeps itself fresh.
  return useQuery({ queryKey: keyhavenQueryKeys.stats(client.baseUrl), queryFn: () => client.getStats(), refetchInterval: 30_000 });
}
