/**
 * What each team role may do: the one table behind the server's policy (access/policy.ts),
 * better-auth's organization roles (auth/team-access-control.ts) and what the web app offers.
 * The README's table is this one, in words.
 */
export const TEAM_ROLES = ["owner", "admin", "member"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** How a team key is shared with the team's members. */
export const SHARING_MODES = ["use", "manage"] as const;
export type Sharing = (typeof SHARING_MODES)[number];

/**
 * What a member may do with a team key or with the team. `key.use` (hand-outs) is every
 * member's: that is what a team key is for.
 */
export type TeamAction =
  | "key.list"
  | "key.read"
  | "key.use"
  | "key.create"
  | "key.update"
  | "key.delete"
  | "key.reveal"
  | "key.rotate"
  | "key.rollback"
  /** Send the key to its provider (the value never comes back). */
  | "key.test"
  /** The key's previous values, masked. */
  | "key.versions"
  | "team.rename"
  | "team.delete"
  /** Invite people and cancel invitations. */
  | "team.invite"
  /** Remove members and change roles. */
  | "team.members"
  /** Everyone's use of the team's keys, and the team's audit events. */
  | "team.usage_all";

type Rule = readonly TeamRole[] | { readonly use: readonly TeamRole[]; readonly manage: readonly TeamRole[] };

const ADMINS: readonly TeamRole[] = ["owner", "admin"];
const EVERYONE: readonly TeamRole[] = TEAM_ROLES;

/**
 * Roles allowed per action; where sharing matters, per sharing mode. Members never reveal or
 * change a team key; under `manage` they may also test it and see its (masked) history.
 */
export const TEAM_PERMISSIONS: Readonly<Record<TeamAction, Rule>> = {
  "key.list": EVERYONE,
  "key.read": EVERYONE,
  "key.use": EVERYONE,
  "key.create": ADMINS,
  "key.update": ADMINS,
  "key.delete": ADMINS,
  "key.reveal": ADMINS,
  "key.rotate": ADMINS,
  "key.rollback": ADMINS,
  "key.test": { use: ADMINS, manage: EVERYONE },
  "key.versions": { use: ADMINS, manage: EVERYONE },
  "team.rename": ADMINS,
  "team.delete": ["owner"],
  "team.invite": ADMINS,
  "team.members": ADMINS,
  "team.usage_all": ADMINS,
};

export const isTeamRole = (value: unknown): value is TeamRole => typeof value === "string" && (TEAM_ROLES as readonly string[]).includes(value);

/** True when `role` may do `action` (to a key shared as `sharing`, where that matters; `use` when unknown). */
export function teamRoleAllows(role: TeamRole, action: TeamAction, sharing: Sharing | null = null): boolean {
  const rule = TEAM_PERMISSIONS[action];
  const roles = Array.isArray(rule) ? (rule as readonly TeamRole[]) : (rule as { use: readonly TeamRole[]; manage: readonly TeamRole[] })[sharing ?? "use"];
  return roles.includes(role);
}

export const TEAM_ROLE_LABELS: Readonly<Record<TeamRole, string>> = { owner: "Owner", admin: "Admin", member: "Member" };
export const SHARING_LABELS: Readonly<Record<Sharing, string>> = { use: "Use only", manage: "Managed" };
