/** An invitation that cannot be used says why: the server's words, the status deciding the offer. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/react/index.js";
import { invitationProblem } from "../../web/src/lib/invitation-error";

describe("invitationProblem", () => {
  it("expired, used, declined or cancelled: the server's explanation", () => {
    const text = "This invitation can't be used: it has expired, was already used or declined, or was cancelled, or its team was deleted. Ask the team for a new one.";
    expect(invitationProblem(new ApiError(404, "NOT_FOUND", text))).toEqual({ title: "This invitation can't be used", text, otherAccount: false });
  });

  it("for another email: offers to sign in as someone else", () => {
    expect(invitationProblem(new ApiError(403, "FORBIDDEN", "This invitation is for another email address: sign in with that address to accept it."))).toMatchObject({
      title: "This invitation is for someone else",
      otherAccount: true,
    });
  });

  it("a deleted team", () => {
    expect(invitationProblem(new ApiError(404, "NOT_FOUND", "Team not found")).title).toBe("This team no longer exists");
  });

  it("anything else: the server's message", () => {
    expect(invitationProblem(new ApiError(500, "INTERNAL", "Database unavailable"))).toEqual({
      title: "Couldn't open this invitation",
      text: "Database unavailable",
      otherAccount: false,
    });
  });
});
