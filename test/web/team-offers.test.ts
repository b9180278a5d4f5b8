/** What the web app offers follows the shared permission table: checked here role by role, sharing by sharing. */
import { describe, expect, it } from "vitest";
import { TEAM_ROLES, teamRoleAllows } from "../../src/shared/team-roles";
import { assignableRoles, canManageMember, invitableRoles, keyAccessNote, keyOffers, teamOffers } from "../../web/src/lib/team-offers";

const ALL = { test: true, reveal: true, edit: true, delete: true, rotate: true, history: true, rollback: true };

describe("keyOffers", () => {
  it("offers everything on a personal key", () => {
    expect(keyOffers(null, null)).toEqual(ALL);
  });

  it("offers owners and admins everything on a team key, whatever its sharing", () => {
    for (const role of ["owner", "admin"] as const) for (const sharing of ["use", "manage"] as const) expect(keyOffers(role, sharing)).toEqual(ALL);
  });

  it("offers members nothing but use on a use-only key", () => {
    expect(keyOffers("member", "use")).toEqual({ test: false, reveal: false, edit: false, delete: false, rotate: false, history: false, rollback: false });
  });

  it("offers members test and history, never reveal or changes, on a managed key", () => {
    expect(keyOffers("member", "manage")).toEqual({ test: true, reveal: false, edit: false, delete: false, rotate: false, history: true, rollback: false });
  });

  it("agrees with teamRoleAllows for every role and sharing", () => {
    for (const role of TEAM_ROLES)
      for (const sharing of ["use", "manage"] as const) {
        const offers = keyOffers(role, sharing);
        expect(offers.reveal).toBe(teamRoleAllows(role, "key.reveal", sharing));
        expect(offers.test).toBe(teamRoleAllows(role, "key.test", sharing));
        expect(offers.history).toBe(teamRoleAllows(role, "key.versions", sharing));
        expect(offers.edit).toBe(teamRoleAllows(role, "key.update", sharing));
      }
  });

  it("tells a member what they can do with a key they cannot see; nothing to those who can reveal it", () => {
    expect(keyAccessNote(keyOffers("member", "use"), "use")).toBe("You can use this key; only admins can see it");
    expect(keyAccessNote(keyOffers("member", "manage"), "manage")).toMatch(/use, test and see the history of this key; only admins can see it/);
    expect(keyAccessNote(keyOffers("admin", "use"), "use")).toBeNull();
    expect(keyAccessNote(keyOffers(null, null), null)).toBeNull();
  });
});

describe("teamOffers", () => {
  it("lets owners do everything, admins all but delete, members only see their own use (and never export or import keys)", () => {
    expect(teamOffers("owner")).toEqual({ addKey: true, invite: true, manageMembers: true, rename: true, delete: true, usageAll: true, exportKeys: true, importKeys: true });
    expect(teamOffers("admin")).toEqual({ addKey: true, invite: true, manageMembers: true, rename: true, delete: false, usageAll: true, exportKeys: true, importKeys: true });
    expect(teamOffers("member")).toEqual({ addKey: false, invite: false, manageMembers: false, rename: false, delete: false, usageAll: false, exportKeys: false, importKeys: false });
  });
});

describe("member management", () => {
  it("owners may give any role; admins any but owner; members none", () => {
    expect(assignableRoles("owner")).toEqual(["owner", "admin", "member"]);
    expect(assignableRoles("admin")).toEqual(["admin", "member"]);
    expect(assignableRoles("member")).toEqual([]);
  });

  it("nobody manages themselves; admins leave owners alone", () => {
    expect(canManageMember("owner", "admin", false)).toBe(true);
    expect(canManageMember("owner", "owner", false)).toBe(true);
    expect(canManageMember("owner", "owner", true)).toBe(false);
    expect(canManageMember("admin", "member", false)).toBe(true);
    expect(canManageMember("admin", "admin", false)).toBe(true);
    expect(canManageMember("admin", "owner", false)).toBe(false);
    expect(canManageMember("member", "member", false)).toBe(false);
  });

  it("invitations carry member or admin, from those who may invite", () => {
    expect(invitableRoles("owner")).toEqual(["admin", "member"]);
    expect(invitableRoles("admin")).toEqual(["admin", "member"]);
    expect(invitableRoles("member")).toEqual([]);
  });
});
