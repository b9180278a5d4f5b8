/** One invitation as its recipient sees it, and accepting or declining it. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { teamQueryKeys } from "../lib/team-query-keys";
import { useRefreshTeams, useTeamApis } from "./use-teams";

export function useInvitation(invitationId: string) {
  const { baseUrl, org } = useTeamApis();
  // An error here is an answer (expired, someone else's), not a blip: no retries.
  return useQuery({ queryKey: teamQueryKeys.invitation(baseUrl, invitationId), queryFn: () => org.invitation(invitationId), retry: false });
}

export function useInvitationActions(invitationId: string) {
  const { org } = useTeamApis();
  const refresh = useRefreshTeams();
  return {
    accept: useMutation({ mutationFn: () => org.accept(invitationId), onSuccess: refresh }),
    decline: useMutation({ mutationFn: () => org.reject(invitationId) }),
  };
}
