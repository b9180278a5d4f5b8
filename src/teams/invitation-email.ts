/**
 * The text of a team invitation email: who invites whom to which team as what, the link, and
 * its limits. Pure: the caller sends it (platform/mailer.ts). Names come from users, so they
 * are put on one line and cut short: a name cannot add lines (a fake link) or headers.
 */
import { TEAM_ROLE_LABELS, type TeamRole } from "../shared/team-roles.js";

export interface InvitationEmailInput {
  teamName: string;
  /** The inviter's display name; their email alone when empty. */
  inviterName: string;
  inviterEmail: string;
  role: TeamRole;
  /** The accept link (one use, for the invited address). */
  link: string;
  expiresAt: Date;
}

const MAX_NAME = 80;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Control characters and line/paragraph separators become spaces; runs of spaces one; long names cut with "…". */
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
  return flat.length <= MAX_NAME ? flat : `${flat.slice(0, MAX_NAME - 1).trimEnd()}…`;
}

/** "6 December 2026, 17:05 UTC": the same for every reader, whatever their locale. */
function utcDate(date: Date): string {
  const time = `${String(date.getUTCHours()).padStart(2, "0")}:${String(date.getUTCMinutes()).padStart(2, "0")}`;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${time} UTC`;
}

const withArticle = (label: string) => `${/^[AEIOU]/.test(label) ? "an" : "a"} ${label.toLowerCase()}`;

export function invitationEmail(input: InvitationEmailInput): { subject: string; text: string } {
  const team = oneLine(input.teamName) || "a team";
  const email = oneLine(input.inviterEmail);
  const name = oneLine(input.inviterName);
  const inviter = name && name !== email ? `${name} (${email})` : email;
  const role = withArticle(TEAM_ROLE_LABELS[input.role]);
  // Made by the server, never cut; only stripped of anything that could break its line.
  const link = input.link.replace(/[\s\u0000-\u001F\u007F-\u009F]+/g, "");

  const subject = `${name || email} invited you to the team "${team}" on Keyhaven`;
  const text = [
    "Hello,",
    "",
    `${inviter} invited you to join the team "${team}" on Keyhaven as ${role}.`,
    "",
    "To accept, open this link:",
    "",
    link,
    "",
    `The link works once, only for this email address, until ${utcDate(input.expiresAt)}.`,
    "",
    "If you did not expect this, ignore it: nothing happens unless you accept.",
    "",
    "— Keyhaven",
    "",
  ].join("\n");
  return { subject, text };
}
