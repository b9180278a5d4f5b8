import { useQuery } from "@tanstack/react-query";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";

/** One key's versions, fetched while `enabled` (the history dialog is open); refetched after any key change. */
export function useKeyVersions(keyId: string, enabled: boolean) {
  const { client } = useKeyhaven();
  return useQuery({
    queryKey: keyhavenQueryKeys.versions(client.baseUrl, keyId),
    queryFn: () => client.listApiKeyVersions(keyId),
    enabled,
  });
}
