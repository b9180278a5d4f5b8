/**
 * Teams through their real routes (better-auth's organization plugin under /api/auth/organization
 * and ours): create a team, invite, accept, remove, change a role — setup for team tests.
 */
import type { HttpApp, SignedUpUser } from "./http-app.js";
import { jsonOf, unique } from "./http-app.js";

export interface TestTeam {
  id: string;
  name: string;
  slug: string;
}

type Role = "owner" | "admin" | "member";

export const orgRoute = (name: string) => `/api/auth/organization/${name}`;

export async function createTeam(h: HttpApp, owner: SignedUpUser, name = `Team ${unique()}`): Promise<TestTeam> {
  const slug = `t-${unique()}`.toLowerCase();
  const body = await jsonOf(await h.request("POST", orgRoute("create"), { cookie: owner.cookie, body: { name, slug } }), 200);
  return { id: body.id, name: body.name, slug: body.slug };
}

export async function invite(h: HttpApp, inviter: SignedUpUser, teamId: string, email: string, role: Role = "member"): Promise<{ id: string; expiresAt: string }> {
  return jsonOf(await h.request("POST", orgRoute("invite-member"), { cookie: inviter.cookie, body: { email, role, organizationId: teamId } }), 200);
}

export const accept = (h: HttpApp, user: SignedUpUser, invitationId: string) =>
  h.request("POST", orgRoute("accept-invitation"), { cookie: user.cookie, body: { invitationId } });

/** Invites `user` as `role` and accepts: a member now. Returns the member id. */
export async function addMember(h: HttpApp, by: SignedUpUser, teamId: string, user: SignedUpUser, role: Role = "member"): Promise<string> {
  const inv = await invite(h, by, teamId, user.email, role);
  const body = await jsonOf(await accept(h, user, inv.id), 200);
  return body.member.id as string;
}

export const removeMember = (h: HttpApp, by: SignedUpUser, teamId: string, memberIdOrEmail: string) =>
  h.request("POST", orgRoute("remove-member"), { cookie: by.cookie, body: { memberIdOrEmail, organizationId: teamId } });

export const changeRole = (h: HttpApp, by: SignedUpUser, teamId: string, memberId: string, role: string) =>
  h.request("POST", orgRoute("update-member-role"), { cookie: by.cookie, body: { memberId, role, organizationId: teamId } });

/** POST /api/api-keys for a team, asserting 201. */
export async function createTeamKey(h: HttpApp, by: SignedUpUser, teamId: string, body: Record<string, unknown>, sharing: "use" | "manage" = "use") {
  return jsonOf(await h.request("POST", "/api/api-keys", { cookie: by.cookie, body: { ...body, teamId, sharing } }), 201);
}
