/**
 * Which audit event a team route of better-auth's organization plugin makes, from its path,
 * its body and what it answered. Pure: the auth setup records what this returns once the route
 * succeeded. (A deleted team is recorded with its keys' deletion, in teams/team-service.ts.)
 */
import type { AuditAction } from "../audit/audit-types.js";

export interface TeamChange {
  action: Extract<AuditAction, `team.${string}`>;
  teamId: string;
  target: { type: string; id: string; label?: string | null } | null;
  details: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** A member row as better-auth answers it (sometimes with its user). */
function memberTarget(member: Obj): TeamChange["target"] {
  const userId = str(member.userId);
  if (!userId) return null;
  return { type: "user", id: userId, label: str(obj(member.user).email) ?? null };
}

export function teamChangeOf(path: string, body: unknown, returned: unknown): TeamChange | undefined {
  const r = obj(returned);
  const b = obj(body);
  switch (path) {
    case "/organization/create": {
      const id = str(r.id);
      return id ? { action: "team.create", teamId: id, target: { type: "team", id, label: str(r.name) ?? null }, details: {} } : undefined;
    }
    case "/organization/update": {
      const id = str(r.id);
      return id ? { action: "team.update", teamId: id, target: { type: "team", id, label: str(r.name) ?? null }, details: { fields: Object.keys(obj(b.data)) } } : undefined;
    }
    case "/organization/invite-member":
    case "/organization/cancel-invitation": {
      const teamId = str(r.organizationId);
      const id = str(r.id);
      if (!teamId || !id) return undefined;
      const action = path === "/organization/invite-member" ? "team.invite" : "team.invite_cancel";
      return { action, teamId, target: { type: "invitation", id, label: str(r.email) ?? null }, details: { role: r.role ?? null, expiresAt: r.expiresAt ?? null } };
    }
    case "/organization/accept-invitation": {
      const member = obj(r.member);
      const teamId = str(member.organizationId);
      return teamId ? { action: "team.join", teamId, target: memberTarget(member), details: { role: member.role ?? null, invitationId: str(obj(r.invitation).id) ?? null } } : undefined;
    }
    case "/organization/remove-member":
    case "/organization/leave":
    case "/organization/update-member-role": {
      const member = path === "/organization/remove-member" ? obj(r.member) : r;
      const teamId = str(member.organizationId);
      if (!teamId) return undefined;
      const action = path === "/organization/remove-member" ? "team.remove_member" : path === "/organization/leave" ? "team.leave" : "team.role_change";
      return { action, teamId, target: memberTarget(member), details: action === "team.role_change" ? { role: member.role ?? null } : {} };
    }
    default:
      return undefined;
  }
}
