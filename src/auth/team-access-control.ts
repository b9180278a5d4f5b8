/**
 * better-auth's organization roles, built from our one role table (shared/team-roles.ts), so
 * what its routes allow (rename, delete, invite, members) and what our policy allows for team
 * keys cannot drift apart. Teams inside teams and custom roles are not used: off for everyone.
 */
import { createAccessControl } from "better-auth/plugins/access";
import { teamRoleAllows, TEAM_ROLES, type TeamAction, type TeamRole } from "../shared/team-roles.js";

const statements = {
  organization: ["update", "delete"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
  team: ["create", "update", "delete"],
  ac: ["create", "read", "update", "delete"],
} as const;

type Statements = typeof statements;
type Grant = { [R in keyof Statements]?: Statements[R][number][] };

/** Which of better-auth's permissions each of our team actions stands for. */
const GRANTS: ReadonlyArray<[TeamAction, Grant]> = [
  ["team.rename", { organization: ["update"] }],
  ["team.delete", { organization: ["delete"] }],
  ["team.invite", { invitation: ["create", "cancel"] }],
  ["team.members", { member: ["create", "update", "delete"] }],
];

function grantsOf(role: TeamRole): Grant {
  const grant: Record<string, readonly string[]> = {};
  for (const [action, g] of GRANTS) {
    if (!teamRoleAllows(role, action)) continue;
    for (const [resource, verbs] of Object.entries(g) as [string, readonly string[]][]) grant[resource] = [...(grant[resource] ?? []), ...verbs];
  }
  return grant;
}

export const teamAccessControl = createAccessControl(statements);

export const teamRoles = Object.fromEntries(TEAM_ROLES.map((role) => [role, teamAccessControl.newRole(grantsOf(role))])) as Record<
  TeamRole,
  ReturnType<typeof teamAccessControl.newRole>
>;
