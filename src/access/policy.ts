/**
 * The one place that decides whether an actor may do something to a resource. Domains call
 * `authorize` before they touch storage; the owner scoping of every store query stays as the
 * second wall (a bug here still cannot reach another owner's rows through a scoped query).
 */
import { AppError } from "../platform/errors.js";
import type { TokenScope } from "../shared/api-schemas.js";
import { teamRoleAllows, TEAM_PERMISSIONS, type Sharing, type TeamAction, type TeamRole } from "../shared/team-roles.js";
import type { Actor } from "./actor.js";
import type { OwnerRef } from "./owner.js";

export type Action =
  | "key.list"
  | "key.read"
  | "key.create"
  | "key.update"
  | "key.delete"
  /** Read a key's plaintext value (the web app's reveal). */
  | "key.reveal"
  /** Send a key to its provider to see whether it works (decrypts it, never returns it). */
  | "key.test"
  /** Hand a key out to the application calling the provider (the library's getApiKey). */
  | "key.use"
  /** List a key's values (masked; never a value out). */
  | "key.versions"
  /** Make an earlier value current again (as a new version). */
  | "key.rollback"
  /**
   * Replace the value: a new one tested first, or one the provider mints (automatic; the
   * rotator then reads the value to sign the provider's calls — it never leaves).
   */
  | "key.rotate"
  /** Re-seal a stored secret in the current format (maintenance; the value never leaves). */
  | "key.reseal"
  /** Create, list or revoke one's own access tokens (a signed-in person only). */
  | "token.manage"
  /** Read the audit events of one's own keys, tokens and sign-ins. */
  | "audit.read"
  /** A team's own business (rename, delete, invite, members, everyone's usage): by role. */
  | Extract<TeamAction, `team.${string}`>
  | AdminAction;

/** What only an instance admin, signed in, may do: the instance's accounts and its service tokens. */
export type AdminAction =
  | "admin.users"
  | "admin.tokens"
  /** Read every user's audit events. */
  | "audit.read_all"
  /** See the scheduled backups' settings and last outcome. */
  | "admin.backups";
const ADMIN_ACTIONS: ReadonlySet<Action> = new Set<AdminAction>(["admin.users", "admin.tokens", "audit.read_all", "admin.backups"]);

export interface Resource {
  owner: OwnerRef;
  keyId?: string;
  /**
   * For a team owner: the acting person's role in the team now (read by the caller from the
   * membership table, never cached); null or absent when they are not a member.
   */
  teamRole?: TeamRole | null;
  /** For a team key: how it is shared with members (what members may do with it depends on it). */
  sharing?: Sharing | null;
}

/** The instance itself, for admin actions: the ids of its admins now (read by admin/admins.ts, never cached). */
export interface InstanceResource {
  admins: ReadonlySet<string>;
}

/** Admin actions act on the instance; every other action on an owner's resource. */
export type ResourceOf<A extends Action> = A extends AdminAction ? InstanceResource : Resource;

/** What the system may do: hand out and maintain, never read a value out or change a key. */
const SYSTEM_ACTIONS: Readonly<Record<string, ReadonlySet<Action>>> = {
  library: new Set<Action>(["key.use"]),
  cli: new Set<Action>(["key.reseal"]),
  // The rotation actor rotates due keys; it reads a key only to sign its provider's calls (AWS).
  rotation: new Set<Action>(["key.rotate"]),
};

/** The scope a token needs for each action; absent: no token may do it. */
export const SCOPE_FOR: Readonly<Partial<Record<Action, TokenScope>>> = {
  "key.list": "keys:read",
  "key.read": "keys:read",
  "key.create": "keys:write",
  "key.update": "keys:write",
  "key.delete": "keys:write",
  "key.test": "keys:write",
  "key.versions": "keys:read",
  "key.rollback": "keys:write",
  "key.rotate": "keys:write",
  "key.reveal": "keys:reveal",
  "key.use": "resolve",
  "audit.read": "audit:read",
  // A team's log and everyone's use of its keys are read with the audit scope (and the role).
  "team.usage_all": "audit:read",
};

const ownsUserResource = (userId: string | null, resource: Resource) =>
  userId !== null && resource.owner.type === "user" && resource.owner.id === userId;

const NOT_ADMIN = "Only an instance admin may do that";

/**
 * A person (or their personal token) acting on a team's resource: what their role allows,
 * per the one table of shared/team-roles.ts. Not a member: NOT_FOUND (a team one is not in
 * answers like a team that does not exist, as another user's key does).
 */
function teamRefusal(action: Action, resource: Resource): Refusal | undefined {
  // Not a member: nothing of the team exists for them (a key by id answers as a missing key).
  if (!resource.teamRole) return { code: "NOT_FOUND", message: resource.keyId !== undefined ? "API key not found" : "Team not found" };
  if (!(action in TEAM_PERMISSIONS)) return { code: "FORBIDDEN", message: "That is not something a team's keys can do" };
  if (teamRoleAllows(resource.teamRole, action as TeamAction, resource.sharing ?? null)) return undefined;
  if (action === "key.reveal" || action === "key.update") {
    return { code: "FORBIDDEN", message: "You can use this key; only the team's owners and admins can see or change it" };
  }
  return { code: "FORBIDDEN", message: `Your role in this team (${resource.teamRole}) does not allow that` };
}

/** Why not: the error code to answer with and words the caller can act on. */
export interface Refusal {
  code: "FORBIDDEN" | "NOT_FOUND";
  message: string;
}

/** An admin action: a signed-in person who is an admin now; never a token or the system. */
function adminRefusal(actor: Actor, instance: InstanceResource): string | undefined {
  if (actor.type === "token") return "Access tokens cannot do that; sign in";
  return actor.type === "user" && instance.admins.has(actor.userId) ? undefined : NOT_ADMIN;
}

/** Why not, with the code to answer; undefined when allowed. */
export function refusalOf<A extends Action>(actor: Actor, action: A, target: ResourceOf<A>): Refusal | undefined {
  const forbidden = (message: string): Refusal => ({ code: "FORBIDDEN", message });
  if (ADMIN_ACTIONS.has(action)) {
    const why = adminRefusal(actor, target as InstanceResource);
    return why === undefined ? undefined : forbidden(why);
  }
  const resource = target as Resource;
  const no = forbidden("You are not allowed to do that");
  const team = resource.owner.type === "team";
  switch (actor.type) {
    case "user":
      if (team) return teamRefusal(action, resource);
      return ownsUserResource(actor.userId, resource) ? undefined : no;
    case "token": {
      const scope = SCOPE_FOR[action];
      if (!scope) return forbidden("Access tokens cannot do that; sign in");
      if (!actor.scopes.includes(scope)) return forbidden(`This token lacks the ${scope} scope`);
      // A service token resolves for any user by id; it never reads or changes keys.
      if (actor.kind === "service") return action === "key.use" && resource.owner.type === "user" ? undefined : no;
      // A personal token acts as its user, within its scopes: in a team, with that user's role.
      if (team) return teamRefusal(action, resource);
      return ownsUserResource(actor.userId, resource) ? undefined : no;
    }
    case "system":
      return (SYSTEM_ACTIONS[actor.name]?.has(action) ?? false) ? undefined : no;
  }
}

/** Why not, in words the caller can act on; undefined when allowed. */
export function refusal<A extends Action>(actor: Actor, action: A, target: ResourceOf<A>): string | undefined {
  return refusalOf(actor, action, target)?.message;
}

export function isAllowed<A extends Action>(actor: Actor, action: A, resource: ResourceOf<A>): boolean {
  return refusal(actor, action, resource) === undefined;
}

/**
 * Throws FORBIDDEN (saying why, e.g. the missing scope) unless the actor may do `action` to
 * `resource`; NOT_FOUND for a team the actor is not a member of.
 */
export function authorize<A extends Action>(actor: Actor, action: A, resource: ResourceOf<A>): void {
  const why = refusalOf(actor, action, resource);
  if (why !== undefined) throw new AppError(why.code, why.message);
}
