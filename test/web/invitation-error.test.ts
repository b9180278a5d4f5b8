/** An invitation that cannot be used says why, from better-auth's error codes. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/react/index.js";
import { invitationProblem } from "../../web/src/lib/invitation-error";

describe("invitationProblem", () => {
  it("expired, used, declined or cancelled (better-auth's 'not found')", () => {
    expect(invitationProblem(new ApiError(400, "INVITATION_NOT_FOUND", "Invitation not found"))).toMatchObject({
      title: "This invitation can't be used",
      otherAccount: false,
    });
  });

  it("for another email: offers to sign in as someone else", () => {
    expect(invitationProblem(new ApiError(403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", "You are not the recipient of the invitation"))).toMatchObject({
      title: "This invitation is for someone else",
      otherAccount: true,
    });
  });

  it("a deleted team", () => {
    expect(invitationProblem(new ApiError(400, "ORGANIZATION_NOT_FOUND", "Organization not found")).title).toBe("This team no longer exists");
  });

  it("anything else: the server's message", () => {
    expect(invitationProblem(new ApiError(500, "INTERNAL", "Database unavailable"))).toEqual({
      title: "Couldn't open this invitation",
      text: "Database unavailable",
      otherAccount: false,
    });
  });
});
