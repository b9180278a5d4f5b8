/** The teams the signed-in person is in (GET /api/teams), making a team, and the preferred team. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useKeyhaven } from "../keyhaven";
import { organizationApi } from "../lib/organization-api";
import { teamQueryKeys } from "../lib/team-query-keys";
import { teamsApi } from "../lib/teams-api";
import { teamSlug } from "../lib/team-slug";

/** Both API modules for this server, stable across renders. */
export function useTeamApis() {
  const { client } = useKeyhaven();
  const baseUrl = client.baseUrl;
  return useMemo(() => ({ baseUrl, teams: teamsApi(baseUrl), org: organizationApi(baseUrl) }), [baseUrl]);
}

/** Refetches every team query (the list with its counts, members, usage). */
export function useRefreshTeams() {
  const { baseUrl } = useTeamApis();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: teamQueryKeys.teams(baseUrl) });
}

/**
 * Fetched again on every page that asks (staleTime 0): others change it — an admin changes your
 * role or removes you — and the pages decide what to offer from the role in it.
 */
export function useTeams() {
  const { baseUrl, teams } = useTeamApis();
  return useQuery({ queryKey: teamQueryKeys.teams(baseUrl), queryFn: teams.list, staleTime: 0 });
}

/** One team from the list (the caller's role in it): undefined while loading or when not a member. */
export function useTeam(teamId: string) {
  const teams = useTeams();
  return { ...teams, team: teams.data?.teams.find((t) => t.id === teamId) };
}

/** A new team from its name alone: the slug is derived (see team-slug.ts); the creator becomes its owner. */
export function useCreateTeam() {
  const { org } = useTeamApis();
  const refresh = useRefreshTeams();
  return useMutation({ mutationFn: (name: string) => org.create({ name: name.trim(), slug: teamSlug(name) }), onSuccess: refresh });
}

export function useSetPreferredTeam() {
  const { teams } = useTeamApis();
  const refresh = useRefreshTeams();
  return useMutation({ mutationFn: teams.setPreferred, onSettled: refresh });
}
