/**
 * The invitation email's text: who, which team, what role, the link and its limits in UTC; and
 * names from users that cannot add lines or break the subject.
 */
import { describe, expect, it } from "vitest";
import { assertHeaderSafe } from "../../src/platform/mail-message.js";
import { createMailer } from "../../src/platform/mailer.js";
import { invitationEmail } from "../../src/teams/invitation-email.js";
import { startFakeSmtp } from "../support/fake-smtp.js";

const base = {
  teamName: "Platform",
  inviterName: "Ada Lovelace",
  inviterEmail: "ada@example.com",
  role: "admin" as const,
  link: "https://keys.example.com/invitations/accept?id=inv_8f3a2b&token=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg",
  expiresAt: new Date("2026-12-06T17:05:09Z"),
};

describe("invitationEmail", () => {
  it("says who invited you to which team as what, gives the link, and its limits in UTC", () => {
    const { subject, text } = invitationEmail(base);
    expect(subject).toBe('Ada Lovelace invited you to the team "Platform" on Keyhaven');
    expect(text).toBe(
      [
        "Hello,",
        "",
        'Ada Lovelace (ada@example.com) invited you to join the team "Platform" on Keyhaven as an admin.',
        "",
        "To accept, open this link:",
        "",
        base.link,
        "",
        "The link works once, only for this email address, until 6 December 2026, 17:05 UTC.",
        "",
        "If you did not expect this, ignore it: nothing happens unless you accept.",
        "",
        "— Keyhaven",
        "",
      ].join("\n"),
    );
  });

  it("names each role with its article", () => {
    expect(invitationEmail({ ...base, role: "member" }).text).toContain("on Keyhaven as a member.");
    expect(invitationEmail({ ...base, role: "owner" }).text).toContain("on Keyhaven as an owner.");
  });

  it("uses the email alone when the inviter has no name", () => {
    const { subject, text } = invitationEmail({ ...base, inviterName: "  " });
    expect(subject).toBe('ada@example.com invited you to the team "Platform" on Keyhaven');
    expect(text).toContain('\nada@example.com invited you to join the team "Platform"');
  });

  it("the date is UTC whatever the time zone: late on the 31st in UTC stays the 31st", () => {
    expect(invitationEmail({ ...base, expiresAt: new Date("2026-12-31T23:59:00Z") }).text).toContain("until 31 December 2026, 23:59 UTC.");
    expect(invitationEmail({ ...base, expiresAt: new Date("2027-01-01T00:00:00Z") }).text).toContain("until 1 January 2027, 00:00 UTC.");
  });

  it("names from users cannot add lines, inject headers, or grow without bound", () => {
    const { subject, text } = invitationEmail({
      ...base,
      teamName: "Ops\r\n\r\nClick https://evil.example to accept\u2028!",
      inviterName: "Eve\nBcc: victim@example.com\u0000",
      inviterEmail: "eve@example.com",
    });
    expect(() => assertHeaderSafe("subject", subject)).not.toThrow();
    expect(subject).toBe('Eve Bcc: victim@example.com invited you to the team "Ops Click https://evil.example to accept !" on Keyhaven');
    // The same 14 lines as ever: nothing a name held became a line of its own.
    expect(text.split("\n")).toHaveLength(14);
    expect(text.split("\n").filter((l) => l.includes("evil.example"))).toHaveLength(1);

    const long = invitationEmail({ ...base, teamName: "T".repeat(500), inviterName: "N".repeat(500) });
    expect(long.subject.length).toBeLessThan(220);
    expect(long.subject).toContain("…");
  });

  it("keeps non-ASCII names as they are", () => {
    const { subject, text } = invitationEmail({ ...base, teamName: "Grüne Äpfel 🍏", inviterName: "Zoë Ødegård" });
    expect(subject).toBe('Zoë Ødegård invited you to the team "Grüne Äpfel 🍏" on Keyhaven');
    expect(text).toContain('Zoë Ødegård (ada@example.com) invited you to join the team "Grüne Äpfel 🍏"');
  });

  it("arrives through the mailer as written", async () => {
    const smtp = await startFakeSmtp();
    try {
      const email = invitationEmail({ ...base, teamName: "Grüne Äpfel 🍏", inviterName: "Zoë Ødegård" });
      const mailer = createMailer(smtp.url(), { from: "Keyhaven <keyhaven@keys.example.com>", logger: { info: () => {} }, timeoutMs: 5000 });
      await mailer.send({ to: "grace@example.com", ...email });
      const received = await smtp.nextMessage();
      expect(received.headers.subject).toBe(email.subject);
      expect(received.text).toBe(email.text);
      expect(received.to).toEqual(["grace@example.com"]);
    } finally {
      await smtp.close();
    }
  });
});
