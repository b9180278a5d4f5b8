/**
 * better-auth's team (organization) errors in Keyhaven's words and statuses: its codes are
 * dropped when an answer is put in our error shape, so what a person needs to know must be in
 * the status and the message. Anything not listed keeps better-auth's message, with "team" for
 * "organization".
 */
export interface AuthErrorWords {
  status: number;
  message: string;
}

const INVITATION_UNUSABLE =
  "This invitation can't be used: it has expired, was already used or declined, or was cancelled, or its team was deleted. Ask the team for a new one.";

const WORDS: Readonly<Record<string, AuthErrorWords>> = {
  INVITATION_NOT_FOUND: { status: 404, message: INVITATION_UNUSABLE },
  YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION: {
    status: 403,
    message: "This invitation is for another email address: sign in with that address to accept it.",
  },
  ORGANIZATION_NOT_FOUND: { status: 404, message: "Team not found" },
  INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION: {
    status: 404,
    message: "This invitation is no longer valid: whoever sent it has left the team. Ask the team for a new one.",
  },
};

/** Our status and message for a better-auth error (`code` as it answered it), or undefined to keep its own. */
export function authErrorWords(code: string | undefined): AuthErrorWords | undefined {
  return code === undefined ? undefined : WORDS[code];
}

/** better-auth's own words, with the product's name for an organization. */
export const inTeamWords = (message: string): string =>
  message.replace(/\borganizations\b/g, "teams").replace(/\borganization\b/g, "team").replace(/\bOrganization\b/g, "Team");
