/**
 * What went wrong with an invitation, in words. The server says which case it is (its message
 * names it); the status tells whether signing in as someone else would help.
 */
import { ApiError, errorMessage } from "../keyhaven";

export interface InvitationProblem {
  title: string;
  text: string;
  /** Signing in as someone else would help: the invitation is for another address. */
  otherAccount: boolean;
}

export function invitationProblem(err: unknown): InvitationProblem {
  const status = err instanceof ApiError ? err.status : 0;
  const text = errorMessage(err);
  if (status === 403) return { title: "This invitation is for someone else", text, otherAccount: true };
  if (status === 404) {
    const title = /^Team not found/.test(text) ? "This team no longer exists" : "This invitation can't be used";
    return { title, text, otherAccount: false };
  }
  return { title: "Couldn't open this invitation", text, otherAccount: false };
}
