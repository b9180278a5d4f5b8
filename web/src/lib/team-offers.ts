/**
 * What the web app offers on a key or a team, from the shared permission table alone
 * (teamRoleAllows): components ask here and never name a role. The server checks again.
 */
import { TEAM_ROLES, teamRoleAllows, type Sharing, type TeamRole } from "../../../src/shared/team-roles.js";

export interface KeyOffers {
  test: boolean;
  reveal: boolean;
  /** Edit, and the active switch. */
  edit: boolean;
  delete: boolean;
  rotate: boolean;
  /** The masked values. */
  history: boolean;
  rollback: boolean;
}

const EVERYTHING: KeyOffers = { test: true, reveal: true, edit: true, delete: true, rotate: true, history: true, rollback: true };

/** A personal key (`role` null): everything; a team key: what `role` may do under its sharing. */
export function keyOffers(role: TeamRole | null, sharing: Sharing | null): KeyOffers {
  if (role === null) return EVERYTHING;
  const may = (action: Parameters<typeof teamRoleAllows>[1]) => teamRoleAllows(role, action, sharing);
  return {
    test: may("key.test"),
    reveal: may("key.reveal"),
    edit: may("key.update"),
    delete: may("key.delete"),
    rotate: may("key.rotate"),
    history: may("key.versions"),
    rollback: may("key.rollback"),
  };
}

/** The line under a team key for someone who may use it but not see it; null when they can reveal it. */
export function keyAccessNote(offers: KeyOffers, sharing: Sharing | null): string | null {
  if (offers.reveal) return null;
  return sharing === "manage" ? "You can use, test and see the history of this key; only admins can see it" : "You can use this key; only admins can see it";
}

export interface TeamOffers {
  addKey: boolean;
  invite: boolean;
  /** Change roles and remove members. */
  manageMembers: boolean;
  rename: boolean;
  delete: boolean;
  /** Everyone's use, not just one's own. */
  usageAll: boolean;
  /** Every key, values included, as a passphrase-sealed file: for those who may reveal them. */
  exportKeys: boolean;
  /** A keys file into the team: for those who may add keys. */
  importKeys: boolean;
}

export function teamOffers(role: TeamRole): TeamOffers {
  return {
    addKey: teamRoleAllows(role, "key.create"),
    invite: teamRoleAllows(role, "team.invite"),
    manageMembers: teamRoleAllows(role, "team.members"),
    rename: teamRoleAllows(role, "team.rename"),
    delete: teamRoleAllows(role, "team.delete"),
    usageAll: teamRoleAllows(role, "team.usage_all"),
    // Revealing a use-only key is the strictest reveal: who may do that may export them all.
    exportKeys: teamRoleAllows(role, "key.reveal", "use"),
    importKeys: teamRoleAllows(role, "key.create"),
  };
}

/**
 * The roles `role` may hand out: none without "team.members"; only someone who may delete the
 * team (its owner) may make another owner, as better-auth itself insists.
 */
export function assignableRoles(role: TeamRole): TeamRole[] {
  if (!teamRoleAllows(role, "team.members")) return [];
  return TEAM_ROLES.filter((r) => teamRoleAllows(role, "team.delete") || !teamRoleAllows(r, "team.delete"));
}

/** Whether `role` may change or remove a member who has `memberRole` (never oneself: that is Leave). */
export function canManageMember(role: TeamRole, memberRole: TeamRole, isSelf: boolean): boolean {
  return !isSelf && assignableRoles(role).includes(memberRole);
}

/**
 * The roles an invitation can carry: every role one may assign except the top one (ownership is
 * given, not invited); most powerful first, like TEAM_ROLES, so the last is the safe default.
 */
export function invitableRoles(role: TeamRole): TeamRole[] {
  if (!teamRoleAllows(role, "team.invite")) return [];
  return TEAM_ROLES.filter((r) => !teamRoleAllows(r, "team.delete"));
}
