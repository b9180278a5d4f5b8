/**
 * Invitation emails through the real app and a real SMTP server on loopback (KEYHAVEN_SMTP_URL):
 * one message to the invited address naming the team, the inviter and the role, with the link
 * the invited person accepts with; a failing mail server fails nothing but a log line (without
 * the SMTP password). And closed sign-up (KEYHAVEN_SIGNUP=closed) open to invited emails only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeServer } from "../../src/app/compose.js";
import { createApp, type KeyhavenApp } from "../../src/http/app.js";
import { describeEachDatabase } from "../support/databases.js";
import { startFakeSmtp, type FakeSmtp } from "../support/fake-smtp.js";
import { cookieHeaderFrom, createHttpApp, DEFAULT_PASSWORD, expectError, jsonOf, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { accept, createTeam, invite, orgRoute } from "../support/teams.js";

const SMTP_USER = "keyhaven-mailer";
const SMTP_PASS = "smtp-Pa55word-never-logged";
const FROM = "teams@keyhaven.example";

/** Waits until `check` holds (the email goes out in the background, after the answer). */
async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeEachDatabase("invitation emails", (dialect) => {
  let smtp: FakeSmtp;
  let h: HttpApp;
  let owner: SignedUpUser;

  beforeAll(async () => {
    smtp = await startFakeSmtp({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
    h = await createHttpApp(dialect, {
      env: {
        // Plain SMTP on loopback: the mailer sends the password unencrypted only when told to.
        KEYHAVEN_SMTP_URL: smtp.url({ user: SMTP_USER, pass: SMTP_PASS, query: "starttls=never" }),
        KEYHAVEN_MAIL_FROM: `Keyhaven Teams <${FROM}>`,
      },
      logLevel: "info",
    });
    owner = await h.signUp(`ada-${unique()}@example.com`, { name: "Ada Lovelace" });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const warnings = () => h.logRecords().filter((r) => r.level === 40 || r.level === "warn");

  it("inviting sends one message to the invited address: team, inviter, role and the link, which works", async () => {
    const team = await createTeam(h, owner, "Physics 101");
    const invited = await h.signUp(`grace-${unique()}@example.com`);
    const before = smtp.messages.length;
    const inv = await invite(h, owner, team.id, invited.email, "admin");

    const message = await smtp.nextMessage();
    expect(message.to).toEqual([invited.email]);
    expect(message.from).toBe(FROM);
    expect(message.user).toBe(SMTP_USER);
    expect(message.headers.to).toContain(invited.email);
    expect(message.headers.from).toBe(`Keyhaven Teams <${FROM}>`);
    expect(message.headers.subject).toBe('Ada Lovelace invited you to the team "Physics 101" on Keyhaven');
    const link = `${h.publicUrl}/invite/${inv.id}`;
    expect(message.text).toContain(`Ada Lovelace (${owner.email}) invited you to join the team "Physics 101" on Keyhaven as an admin.`);
    expect(message.text.split("\n")).toContain(link);
    expect(message.violations).toEqual([]);

    // The invited person follows the link: its last part is what they accept.
    const fromLink = /\/invite\/([^\s/]+)\s*$/m.exec(message.text)?.[1];
    expect(decodeURIComponent(fromLink!)).toBe(inv.id);
    const joined = await jsonOf(await accept(h, invited, decodeURIComponent(fromLink!)), 200);
    expect(joined.member).toMatchObject({ userId: invited.id, organizationId: team.id, role: "admin" });

    // One message for one invitation, and nothing sent for the acceptance.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.length).toBe(before + 1);
    expect(warnings()).toEqual([]);
  });

  it("an invitation to an email without an account yet is sent all the same", async () => {
    const team = await createTeam(h, owner);
    const email = `newcomer-${unique()}@example.com`;
    const inv = await invite(h, owner, team.id, email);
    const message = await smtp.nextMessage();
    expect(message.to).toEqual([email]);
    expect(message.text).toContain("as a member.");
    expect(message.text).toContain(`${h.publicUrl}/invite/${inv.id}`);
  });

  describe("closed sign-up", () => {
    let closed: KeyhavenApp;
    let ip = 0;
    const post = (path: string, body: unknown, cookie?: string) =>
      closed.request(path, {
        method: "POST",
        headers: { origin: h.publicUrl, "content-type": "application/json", "x-forwarded-for": `203.0.113.${++ip}`, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
    const signUp = (email: string) => post("/api/auth/sign-up/email", { email, name: "Invited", password: DEFAULT_PASSWORD });
    const CLOSED = {
      code: "FORBIDDEN",
      message: "Sign-up is closed on this server: an administrator adds accounts, and people invited to a team can sign up with the invited email",
    };

    beforeAll(async () => {
      // The same database served with sign-up closed (the owner signed up while it was open). No
      // audit pruning at its start: on SQLite two runtimes in one process share the file through
      // two connections, and a write of one waiting (synchronously) for the other's open
      // transaction would stall the very loop that transaction needs to finish.
      const rt = await h.tdb.runtime({ KEYHAVEN_SIGNUP: "closed", KEYHAVEN_TRUST_PROXY: "true", KEYHAVEN_AUDIT_RETENTION_DAYS: "forever" });
      closed = createApp(rt, await composeServer(rt));
    });

    it("an invited email can sign up and accept; another email cannot sign up", async () => {
      const team = await createTeam(h, owner);
      const email = `invited-${unique()}@example.com`;
      const inv = await invite(h, owner, team.id, email);
      await expectError(await signUp(`uninvited-${unique()}@example.com`), 403, CLOSED);

      const res = await signUp(email);
      const body = await jsonOf(res.clone(), 200);
      const cookie = cookieHeaderFrom(res);
      const joined = await jsonOf(await post(orgRoute("accept-invitation"), { invitationId: inv.id }, cookie), 200);
      expect(joined.member).toMatchObject({ userId: body.user.id, organizationId: team.id, role: "member" });
      // Accepted, the invitation opens sign-up no more (and the account exists anyway).
      expect((await signUp(email)).status).toBe(403);
    });

    it("a cancelled or expired invitation opens nothing", async () => {
      const team = await createTeam(h, owner);
      const cancelledEmail = `cancelled-${unique()}@example.com`;
      const cancelled = await invite(h, owner, team.id, cancelledEmail);
      await jsonOf(await h.request("POST", orgRoute("cancel-invitation"), { cookie: owner.cookie, body: { invitationId: cancelled.id } }), 200);
      await expectError(await signUp(cancelledEmail), 403, CLOSED);

      const expiredEmail = `expired-${unique()}@example.com`;
      const expired = await invite(h, owner, team.id, expiredEmail);
      const past = new Date(Date.now() - 60_000);
      const row = await h.runtime.database.db.selectFrom("invitation").select("expiresAt").where("id", "=", expired.id).executeTakeFirstOrThrow();
      await h.runtime.database.db
        .updateTable("invitation")
        .set({ expiresAt: row.expiresAt instanceof Date ? past : past.toISOString() })
        .where("id", "=", expired.id)
        .execute();
      await expectError(await signUp(expiredEmail), 403, CLOSED);
    });
  });

  // Last: the fake server keeps refusing from here on.
  it("a failing mail server does not fail the invitation: the link works, one warning is logged, without the SMTP password", async () => {
    const team = await createTeam(h, owner);
    const invited = await h.signUp(`unlucky-${unique()}@example.com`);
    const plainB64 = Buffer.from(`\0${SMTP_USER}\0${SMTP_PASS}`).toString("base64");
    // A server that echoes what it was given: the password must still not reach the log.
    smtp.fail("RCPT", `550 5.1.1 mailbox unavailable (${SMTP_PASS} ${plainB64})`);
    const before = warnings().length;

    const inv = await invite(h, owner, team.id, invited.email);
    await eventually(() => warnings().length > before, "the warning");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const added = warnings().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ msg: "invitation email not sent; the link still works", invitationId: inv.id });
    expect(JSON.stringify(added[0])).toContain("550");

    expect((await jsonOf(await accept(h, invited, inv.id), 200)).member.userId).toBe(invited.id);
    const everything = h.logs.join("\n");
    expect(everything).not.toContain(SMTP_PASS);
    expect(everything).not.toContain(plainB64);
    expect(everything).not.toContain(Buffer.from(SMTP_PASS).toString("base64"));
  });
});
