/** What the sign-in and sign-up forms check before asking the server (which checks again). */
import { PASSWORD_MIN } from "../../../src/shared/password";

// The server's own bound (better-auth is configured with it), so the hint and the check agree.
export { PASSWORD_MIN };

export type AccountErrors = Partial<Record<"name" | "email" | "password", string>>;

export function checkAccount(fields: { name?: string; email: string; password: string }, form: "sign-in" | "sign-up"): AccountErrors {
  const errors: AccountErrors = {};
  if (form === "sign-up" && !fields.name?.trim()) errors.name = "Enter your name";
  const email = fields.email.trim();
  if (!email) errors.email = "Enter your email address";
  else if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = "That doesn't look like an email address";
  if (!fields.password) errors.password = "Enter your password";
  else if (form === "sign-up" && fields.password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters`;
  return errors;
}
