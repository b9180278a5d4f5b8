import { describe, expect, it } from "vitest";
import { checkAccount } from "../../web/src/lib/account-fields";

describe("checkAccount", () => {
  it("asks for a name, an email address and 8+ characters when signing up", () => {
    expect(checkAccount({ name: " ", email: "nope", password: "short" }, "sign-up")).toEqual({
      name: "Enter your name",
      email: "That doesn't look like an email address",
      password: "Use at least 8 characters",
    });
    expect(checkAccount({ name: "Ada", email: "ada@example.com", password: "long enough" }, "sign-up")).toEqual({});
  });
  it("only wants both fields filled when signing in", () => {
    expect(checkAccount({ email: "ada@example.com", password: "x" }, "sign-in")).toEqual({});
    expect(Object.keys(checkAccount({ email: "", password: "" }, "sign-in"))).toEqual(["email", "password"]);
  });
});
