/** A team's keys, and adding one; every other change goes through the library's key hooks by id. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { keyhavenQueryKeys, type CreateKeyBody, type TestKeyBody } from "../keyhaven";
import { teamQueryKeys } from "../lib/team-query-keys";
import { useTeamApis } from "./use-teams";

export function useTeamKeys(teamId: string) {
  const { baseUrl, teams } = useTeamApis();
  // Use counts change as apps fetch keys: fresh on every visit, like the personal list.
  return useQuery({ queryKey: teamQueryKeys.keys(baseUrl, teamId), queryFn: () => teams.keys(teamId), staleTime: 0 });
}

/**
 * Not the library's useCreateApiKey: that one puts the new key into the personal list's cache.
 * This refetches the key lists, the stats and the team list (its key counts).
 */
export function useCreateTeamKey(teamId: string) {
  const { baseUrl, teams } = useTeamApis();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateKeyBody) => teams.createKey({ ...body, teamId }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.apiKeys(baseUrl) }),
        queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.stats(baseUrl) }),
        queryClient.invalidateQueries({ queryKey: teamQueryKeys.teams(baseUrl) }),
      ]),
  });
}

/** Tests a value before it is saved as the team's. */
export function useTestTeamKeyValue(teamId: string) {
  const { teams } = useTeamApis();
  return useMutation({ mutationFn: (body: TestKeyBody) => teams.testKey(teamId, body) });
}
