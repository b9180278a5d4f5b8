/**
 * Team invitations at their edges, through the real app on both databases: expired, used twice,
 * for someone else, to a deleted team, cancelled, re-sent; who may invite, and as what (only an
 * owner makes owners); every answer in our error shape; every change in the audit log with its
 * actor and no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { accept, addMember, changeRole, createTeam, invite, orgRoute, removeMember, type TestTeam } from "../support/teams.js";

const NOT_FOUND_INVITATION = {
  code: "NOT_FOUND",
  message: "This invitation can't be used: it has expired, was already used or declined, or was cancelled, or its team was deleted. Ask the team for a new one.",
};
const NOT_RECIPIENT = { code: "FORBIDDEN", message: "This invitation is for another email address: sign in with that address to accept it." };

describeEachDatabase("team invitations", (dialect) => {
  let app: HttpApp;
  /** The app, each request from an IP of its own: the per-IP limits on auth routes stay out of the way. */
  let h: HttpApp;
  let owner: SignedUpUser;
  let admin: SignedUpUser;
  let member: SignedUpUser;
  let team: TestTeam;
  let memberId: string;
  let ip = 0;
  const freshIp = () => `198.51.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;

  const person = () => h.signUp(`inv-${unique()}@example.com`);
  const db = () => app.runtime.database.db;
  const invitationRow = (id: string) => db().selectFrom("invitation").selectAll().where("id", "=", id).executeTakeFirst();
  const getInvitation = (user: SignedUpUser, id: string) => h.request("GET", `${orgRoute("get-invitation")}?id=${encodeURIComponent(id)}`, { cookie: user.cookie });
  const cancel = (by: SignedUpUser, invitationId: string) => h.request("POST", orgRoute("cancel-invitation"), { cookie: by.cookie, body: { invitationId } });
  const inviteAs = (by: SignedUpUser, teamId: string, email: string, role: string) =>
    h.request("POST", orgRoute("invite-member"), { cookie: by.cookie, body: { email, role, organizationId: teamId } });
  const membersOf = async (teamId: string): Promise<{ id: string; userId: string; role: string }[]> =>
    (await jsonOf(await h.request("GET", `${orgRoute("get-full-organization")}?organizationId=${teamId}`, { cookie: owner.cookie }), 200)).members;
  const eventsOf = (teamId: string) =>
    db()
      .selectFrom("audit_events")
      .select(["action", "actor_type", "actor_id", "target_type", "target_id", "target_label", "details"])
      .where("team_id", "=", teamId)
      .orderBy("seq")
      .execute();

  beforeAll(async () => {
    app = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" } });
    h = {
      ...app,
      request: (method, path, opts = {}) => app.request(method, path, { ...opts, headers: { "x-forwarded-for": freshIp(), ...opts.headers } }),
    };
    h.signUp = (email, opts = {}) => app.signUp(email, { ...opts, headers: { "x-forwarded-for": freshIp(), ...opts.headers } });
    [owner, admin, member] = await Promise.all([person(), person(), person()]);
    team = await createTeam(h, owner, "Invitations");
    await addMember(h, owner, team.id, admin, "admin");
    memberId = await addMember(h, owner, team.id, member, "member");
  });
  afterAll(() => app?.close());

  it("an expired invitation can be neither seen nor accepted", async () => {
    const u = await person();
    const inv = await invite(h, owner, team.id, u.email);
    // better-auth compares with the real clock: the row is moved into the past instead.
    const row = await invitationRow(inv.id);
    const past = new Date(Date.now() - 60_000);
    await db()
      .updateTable("invitation")
      .set({ expiresAt: row!.expiresAt instanceof Date ? past : past.toISOString() })
      .where("id", "=", inv.id)
      .execute();
    await expectError(await getInvitation(u, inv.id), 404, NOT_FOUND_INVITATION);
    await expectError(await accept(h, u, inv.id), 404, NOT_FOUND_INVITATION);
    expect((await membersOf(team.id)).some((m) => m.userId === u.id)).toBe(false);
    expect((await invitationRow(inv.id))?.status).toBe("pending");
  });

  it("an invitation works once: the second accept is refused and the person is a member once", async () => {
    const u = await person();
    const inv = await invite(h, owner, team.id, u.email);
    const joined = await jsonOf(await accept(h, u, inv.id), 200);
    expect(joined.member).toMatchObject({ userId: u.id, organizationId: team.id, role: "member" });
    await expectError(await accept(h, u, inv.id), 404, NOT_FOUND_INVITATION);
    await expectError(await getInvitation(u, inv.id), 404, NOT_FOUND_INVITATION);
    expect((await membersOf(team.id)).filter((m) => m.userId === u.id)).toHaveLength(1);
    // Nor can they be invited again while a member.
    await expectError(await inviteAs(owner, team.id, u.email, "admin"), 400, { code: "VALIDATION_ERROR", message: "User is already a member of this team" });
  });

  it("an invitation for another email: someone else signed in can neither see nor accept it; its person still can", async () => {
    const u = await person();
    const other = await person();
    const inv = await invite(h, owner, team.id, u.email, "admin");
    await expectError(await getInvitation(other, inv.id), 403, NOT_RECIPIENT);
    await expectError(await accept(h, other, inv.id), 403, NOT_RECIPIENT);
    // Team members other than the invited person are "someone else" too, the inviter included.
    await expectError(await accept(h, owner, inv.id), 403, NOT_RECIPIENT);
    expect((await membersOf(team.id)).some((m) => m.userId === other.id)).toBe(false);

    const seen = await jsonOf(await getInvitation(u, inv.id), 200);
    expect(seen).toMatchObject({ id: inv.id, email: u.email, role: "admin", status: "pending", organizationId: team.id, organizationName: "Invitations", inviterEmail: owner.email });
    expect((await jsonOf(await accept(h, u, inv.id), 200)).member.role).toBe("admin");
  });

  it("signed out, an invitation cannot be looked at or accepted (401)", async () => {
    const inv = await invite(h, owner, team.id, `nobody-${unique()}@example.com`);
    const seen = await h.request("GET", `${orgRoute("get-invitation")}?id=${inv.id}`);
    expect(seen.status).toBe(401);
    expect((await seen.json()).error.code).toBe("UNAUTHORIZED");
    const accepted = await h.request("POST", orgRoute("accept-invitation"), { body: { invitationId: inv.id } });
    expect(accepted.status).toBe(401);
    expect((await accepted.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("an invitation to a team deleted since cannot be seen or accepted", async () => {
    const t = await createTeam(h, owner);
    const u = await person();
    const inv = await invite(h, owner, t.id, u.email);
    await jsonOf(await h.request("POST", orgRoute("delete"), { cookie: owner.cookie, body: { organizationId: t.id } }), 200);
    await expectError(await getInvitation(u, inv.id), 404, NOT_FOUND_INVITATION);
    await expectError(await accept(h, u, inv.id), 404, NOT_FOUND_INVITATION);
    expect(await db().selectFrom("member").select("id").where("userId", "=", u.id).execute()).toEqual([]);
  });

  it("an invitation an admin cancelled cannot be accepted", async () => {
    const u = await person();
    const inv = await invite(h, owner, team.id, u.email);
    const cancelled = await jsonOf(await cancel(admin, inv.id), 200);
    expect(cancelled).toMatchObject({ id: inv.id, status: "canceled" });
    await expectError(await accept(h, u, inv.id), 404, NOT_FOUND_INVITATION);
    await expectError(await getInvitation(u, inv.id), 404, NOT_FOUND_INVITATION);
    expect((await membersOf(team.id)).some((m) => m.userId === u.id)).toBe(false);
  });

  it("a member can neither invite nor cancel an invitation (403); an outsider neither", async () => {
    const email = `by-member-${unique()}@example.com`;
    await expectError(await inviteAs(member, team.id, email, "member"), 403, {
      code: "FORBIDDEN",
      message: "You are not allowed to invite users to this team",
    });
    expect(await db().selectFrom("invitation").select("id").where("email", "=", email).execute()).toEqual([]);

    const inv = await invite(h, owner, team.id, `pending-${unique()}@example.com`);
    await expectError(await cancel(member, inv.id), 403, { code: "FORBIDDEN", message: "You are not allowed to cancel this invitation" });
    // Someone outside the team: better-auth says "Member not found" (the one asking is not a member).
    const outsider = await person();
    await expectError(await inviteAs(outsider, team.id, email, "member"), 400, { code: "VALIDATION_ERROR", message: "Member not found" });
    await expectError(await cancel(outsider, inv.id), 400, { code: "VALIDATION_ERROR", message: "Member not found" });
    expect((await invitationRow(inv.id))?.status).toBe("pending");
  });

  describe("owners are made by owners only", () => {
    const NOT_THIS_ROLE = { code: "FORBIDDEN", message: "You are not allowed to invite a user with this role" };
    const NOT_THIS_MEMBER = { code: "FORBIDDEN", message: "You are not allowed to update this member" };

    it("an admin cannot invite someone as owner; an owner can", async () => {
      const email = `would-be-owner-${unique()}@example.com`;
      await expectError(await inviteAs(admin, team.id, email, "owner"), 403, NOT_THIS_ROLE);
      // Nor with a list that holds owner (a list is no role of ours at all).
      const listed = await h.request("POST", orgRoute("invite-member"), { cookie: admin.cookie, body: { email, role: ["member", "owner"], organizationId: team.id } });
      expect(listed.status).toBe(400);
      expect(await db().selectFrom("invitation").select("id").where("email", "=", email).execute()).toEqual([]);

      const u = await person();
      const inv = await jsonOf(await inviteAs(owner, team.id, u.email, "owner"), 200);
      expect((await jsonOf(await accept(h, u, inv.id), 200)).member.role).toBe("owner");
    });

    it("an admin can neither promote a member to owner nor demote an owner", async () => {
      await expectError(await changeRole(h, admin, team.id, memberId, "owner"), 403, NOT_THIS_MEMBER);
      const ownerMember = (await membersOf(team.id)).find((m) => m.userId === owner.id)!;
      await expectError(await changeRole(h, admin, team.id, ownerMember.id, "member"), 403, NOT_THIS_MEMBER);
      // Nor remove one, by member id or by email, even with a second owner in the team.
      const secondOwner = await person();
      const secondOwnerId = await addMember(h, owner, team.id, secondOwner, "owner");
      const ONLY_OWNERS = { code: "FORBIDDEN", message: "Only an owner can remove an owner" };
      await expectError(await removeMember(h, admin, team.id, ownerMember.id), 403, ONLY_OWNERS);
      await expectError(await removeMember(h, admin, team.id, secondOwner.email.toUpperCase()), 403, ONLY_OWNERS);
      await expectError(await removeMember(h, member, team.id, secondOwnerId), 403, ONLY_OWNERS);
      // An owner may remove another owner.
      await jsonOf(await removeMember(h, owner, team.id, secondOwnerId), 200);
      const members = await membersOf(team.id);
      expect(members.find((m) => m.id === memberId)?.role).toBe("member");
      expect(members.find((m) => m.userId === owner.id)?.role).toBe("owner");
    });

    it("an admin can make a member an admin and back", async () => {
      const u = await person();
      const id = await addMember(h, admin, team.id, u);
      expect((await jsonOf(await changeRole(h, admin, team.id, id, "admin"), 200)).role).toBe("admin");
      expect((await jsonOf(await changeRole(h, admin, team.id, id, "member"), 200)).role).toBe("member");
    });
  });

  it("inviting the same email again cancels the older pending invitation", async () => {
    const u = await person();
    const first = await invite(h, owner, team.id, u.email, "member");
    const second = await invite(h, admin, team.id, u.email, "admin");
    expect(second.id).not.toBe(first.id);
    expect((await invitationRow(first.id))?.status).toBe("canceled");
    expect((await invitationRow(second.id))?.status).toBe("pending");
    await expectError(await accept(h, u, first.id), 404, NOT_FOUND_INVITATION);
    // The newer one holds, with its role.
    expect((await jsonOf(await accept(h, u, second.id), 200)).member.role).toBe("admin");
    const pending = await db().selectFrom("invitation").select("id").where("email", "=", u.email).where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
    // The log says so: the older one cancelled by whoever invited again, then the new invitation.
    const events = (await eventsOf(team.id)).filter((e) => [first.id, second.id].includes(e.target_id!));
    expect(events.map((e) => [e.action, e.actor_id, e.target_id, e.target_label])).toEqual([
      ["team.invite", owner.id, first.id, u.email],
      ["team.invite_cancel", admin.id, first.id, u.email],
      ["team.invite", admin.id, second.id, u.email],
    ]);
    expect(JSON.parse(events[1].details)).toEqual({ reason: "invited again", replacedBy: second.id });
  });

  it("an unknown role is refused in our words, on invitation and on a role change", async () => {
    const UNKNOWN_ROLE = { code: "VALIDATION_ERROR", message: "role must be one of: owner, admin, member" };
    const email = `x-${unique()}@example.com`;
    await expectError(await inviteAs(owner, team.id, email, "superuser"), 400, UNKNOWN_ROLE);
    await expectError(await changeRole(h, owner, team.id, memberId, "superuser"), 400, UNKNOWN_ROLE);
    await expectError(await h.request("POST", orgRoute("invite-member"), { cookie: owner.cookie, body: { email, role: ["admin", "member"], organizationId: team.id } }), 400, UNKNOWN_ROLE);
    expect(await db().selectFrom("invitation").select("id").where("email", "=", email).execute()).toEqual([]);
    expect((await membersOf(team.id)).find((m) => m.id === memberId)?.role).toBe("member");
  });

  it("only a pending invitation can be cancelled: an accepted one stays accepted, its person a member (409)", async () => {
    const u = await person();
    const inv = await invite(h, owner, team.id, u.email);
    await jsonOf(await accept(h, u, inv.id), 200);
    await expectError(await cancel(owner, inv.id), 409, { code: "CONFLICT", message: "This invitation was already accepted: remove the member instead" });
    expect((await invitationRow(inv.id))?.status).toBe("accepted");
    expect((await membersOf(team.id)).some((m) => m.userId === u.id)).toBe(true);

    const dropped = await invite(h, owner, team.id, `twice-${unique()}@example.com`);
    await jsonOf(await cancel(admin, dropped.id), 200);
    await expectError(await cancel(admin, dropped.id), 409, { code: "CONFLICT", message: "This invitation was already cancelled" });
    const cancels = (await eventsOf(team.id)).filter((e) => e.action === "team.invite_cancel" && [inv.id, dropped.id].includes(e.target_id!));
    expect(cancels.map((e) => e.target_id)).toEqual([dropped.id]);
  });

  it("every invite, accept, cancel, removal and role change is in the audit log, with its actor and no secret", async () => {
    const t = await createTeam(h, owner, "Audited");
    await addMember(h, owner, t.id, admin, "admin");
    const u = await person();
    const inv = await invite(h, admin, t.id, u.email);
    const joined = await jsonOf(await accept(h, u, inv.id), 200);
    const dropped = await invite(h, owner, t.id, `dropped-${unique()}@example.com`, "admin");
    await jsonOf(await cancel(admin, dropped.id), 200);
    await jsonOf(await changeRole(h, owner, t.id, joined.member.id, "admin"), 200);
    await jsonOf(await changeRole(h, admin, t.id, joined.member.id, "member"), 200);
    await jsonOf(await removeMember(h, admin, t.id, joined.member.id), 200);

    const events = await eventsOf(t.id);
    const summary = events.map((e) => [e.action, e.actor_id, e.target_type, e.target_id]);
    expect(summary).toEqual([
      ["team.create", owner.id, "team", t.id],
      ["team.invite", owner.id, "invitation", expect.any(String)],
      ["team.join", admin.id, "user", admin.id],
      ["team.invite", admin.id, "invitation", inv.id],
      ["team.join", u.id, "user", u.id],
      ["team.invite", owner.id, "invitation", dropped.id],
      ["team.invite_cancel", admin.id, "invitation", dropped.id],
      ["team.role_change", owner.id, "user", u.id],
      ["team.role_change", admin.id, "user", u.id],
      ["team.remove_member", admin.id, "user", u.id],
    ]);
    expect(events.every((e) => e.actor_type === "user")).toBe(true);
    const byAction = (action: string, i = 0) => events.filter((e) => e.action === action)[i];
    expect(byAction("team.invite", 1)).toMatchObject({ target_label: u.email });
    expect(JSON.parse(byAction("team.invite", 1).details)).toMatchObject({ role: "member" });
    expect(JSON.parse(byAction("team.join", 1).details)).toEqual({ role: "member", invitationId: inv.id });
    expect(byAction("team.join", 1).target_label).toBe(u.email);
    expect(JSON.parse(byAction("team.role_change", 0).details)).toEqual({ role: "admin" });
    expect(JSON.parse(byAction("team.role_change", 1).details)).toEqual({ role: "member" });
    expect(byAction("team.remove_member").target_label).toBe(u.email);

    const everything = JSON.stringify(events);
    for (const who of [owner, admin, u]) {
      expect(everything).not.toContain(who.password);
      expect(everything).not.toContain(who.sessionToken);
    }
    expect(everything).not.toContain(app.runtime.authSecret);

    // The team's admins read the same events over /api/audit.
    const read = await jsonOf(await h.request("GET", `/api/audit?teamId=${t.id}&limit=50`, { cookie: admin.cookie }), 200);
    expect(read.events.map((e: { action: string }) => e.action).sort()).toEqual(events.map((e) => e.action).sort());
  });
});
