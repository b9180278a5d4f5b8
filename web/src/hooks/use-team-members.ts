/** A team's members and invitations (better-auth's full organization), and every change to them. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { teamQueryKeys } from "../lib/team-query-keys";
import { useRefreshTeams, useTeamApis } from "./use-teams";

/** Fetched again on every visit (staleTime 0): others change it too — an invitee accepts, a member leaves. */
export function useFullTeam(teamId: string) {
  const { baseUrl, org } = useTeamApis();
  return useQuery({ queryKey: teamQueryKeys.full(baseUrl, teamId), queryFn: () => org.full(teamId), staleTime: 0 });
}

/** Each change refetches the team queries: members, invitations and the list's counts. */
export function useTeamMemberActions(teamId: string) {
  const { org } = useTeamApis();
  const refresh = useRefreshTeams();
  const change = <V, T>(fn: (v: V) => Promise<T>) => ({ mutationFn: fn, onSettled: refresh });
  return {
    invite: useMutation(change(({ email, role }: { email: string; role: string }) => org.invite({ teamId, email, role }))),
    cancelInvitation: useMutation(change(org.cancelInvitation)),
    updateRole: useMutation(change(({ memberId, role }: { memberId: string; role: string }) => org.updateRole({ teamId, memberId, role }))),
    removeMember: useMutation(change((memberId: string) => org.removeMember({ teamId, memberId }))),
    rename: useMutation(change((name: string) => org.rename({ teamId, name }))),
    leave: useMutation(change(() => org.leave(teamId))),
    deleteTeam: useMutation(change(() => org.remove(teamId))),
  };
}
