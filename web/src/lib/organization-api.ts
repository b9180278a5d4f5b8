/**
 * better-auth's organization routes, which are Keyhaven's teams: create, rename, delete, members,
 * invitations. Their answers are better-auth's shapes (typed here, only the fields the app reads);
 * their errors (`{ code, message }`) become ApiError like ours.
 */
import { callApi as call } from "./api-call";

export interface TeamMember {
  /** The membership's id (what remove and role changes take), not the user's. */
  id: string;
  userId: string;
  role: string;
  createdAt: string;
  user: { id: string; name: string; email: string };
}

export interface TeamInvitation {
  id: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  inviterId?: string;
  createdAt?: string;
}

export interface FullTeam {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
  members: TeamMember[];
  invitations: TeamInvitation[];
}

/** An invitation as its recipient sees it, with the team's name and who sent it. */
export interface InvitationDetails extends TeamInvitation {
  organizationId: string;
  organizationName: string;
  organizationSlug: string;
  inviterEmail: string;
}

export interface CreatedTeam {
  id: string;
  name: string;
  slug: string;
}

const BASE = "/api/auth/organization";
const q = (value: string) => encodeURIComponent(value);

export function organizationApi(baseUrl: string) {
  const post = <T>(path: string, body: unknown) => call<T>(baseUrl, "POST", `${BASE}/${path}`, body);
  return {
    create: (body: { name: string; slug: string }) => post<CreatedTeam>("create", body),
    rename: ({ teamId, name }: { teamId: string; name: string }) => post<unknown>("update", { organizationId: teamId, data: { name } }),
    remove: (teamId: string) => post<unknown>("delete", { organizationId: teamId }),
    full: (teamId: string) => call<FullTeam>(baseUrl, "GET", `${BASE}/get-full-organization?organizationId=${q(teamId)}`),
    invite: ({ teamId, email, role }: { teamId: string; email: string; role: string }) =>
      post<TeamInvitation>("invite-member", { email, role, organizationId: teamId }),
    cancelInvitation: (invitationId: string) => post<unknown>("cancel-invitation", { invitationId }),
    invitation: (invitationId: string) => call<InvitationDetails>(baseUrl, "GET", `${BASE}/get-invitation?id=${q(invitationId)}`),
    accept: (invitationId: string) => post<{ invitation: TeamInvitation; member: { organizationId: string } }>("accept-invitation", { invitationId }),
    reject: (invitationId: string) => post<unknown>("reject-invitation", { invitationId }),
    removeMember: ({ teamId, memberId }: { teamId: string; memberId: string }) =>
      post<unknown>("remove-member", { memberIdOrEmail: memberId, organizationId: teamId }),
    updateRole: ({ teamId, memberId, role }: { teamId: string; memberId: string; role: string }) =>
      post<unknown>("update-member-role", { memberId, role, organizationId: teamId }),
    leave: (teamId: string) => post<unknown>("leave", { organizationId: teamId }),
  };
}
