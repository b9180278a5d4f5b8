import { useQuery } from "@tanstack/react-query";
import { teamQueryKeys } from "../lib/team-query-keys";
import { useTeamApis } from "./use-teams";

/** Hand-outs of the team's keys over the last `days` days: everyone's for admins, one's own for members. */
export function useTeamUsage(teamId: string, days: number) {
  const { baseUrl, teams } = useTeamApis();
  return useQuery({ queryKey: teamQueryKeys.usage(baseUrl, teamId, days), queryFn: () => teams.usage(teamId, days), refetchInterval: 60_000 });
}
