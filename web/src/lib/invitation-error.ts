/**
 * What went wrong with an invitation, in words: better-auth answers with one code per case
 * (an expired or used invitation is "not found", like an unknown one).
 */
import { ApiError, errorMessage } from "../keyhaven";

export interface InvitationProblem {
  title: string;
  text: string;
  /** Signing in as someone else would help: the invitation is for another address. */
  otherAccount: boolean;
}

export function invitationProblem(err: unknown): InvitationProblem {
  const code = err instanceof ApiError ? err.code : "";
  switch (code) {
    case "INVITATION_NOT_FOUND":
      return {
        title: "This invitation can't be used",
        text: "It has expired, was already used or declined, or was cancelled. Ask the team for a new one.",
        otherAccount: false,
      };
    case "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION":
      return {
        title: "This invitation is for someone else",
        text: "It was sent to another email address. Sign in with that address to accept it.",
        otherAccount: true,
      };
    case "ORGANIZATION_NOT_FOUND":
      return { title: "This team no longer exists", text: "The team was deleted after the invitation was sent.", otherAccount: false };
    case "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION":
      return { title: "This invitation is no longer valid", text: "Whoever sent it has left the team. Ask the team for a new one.", otherAccount: false };
    default:
      return { title: "Couldn't open this invitation", text: errorMessage(err), otherAccount: false };
  }
}
