/** What the sign-in and sign-up forms check before asking the server (which checks again). */
export const MIN_PASSWORD = 8;

export type AccountErrors = Partial<Record<"name" | "email" | "password", string>>;

export function checkAccount(fields: { name?: string; email: string; password: string }, form: "sign-in" | "sign-up"): AccountErrors {
  const errors: AccountErrors = {};
  if (form === "sign-up" && !fields.name?.trim()) errors.name = "Enter your name";
  const email = fields.email.trim();
  if (!email) errors.email = "Enter your email address";
  else if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = "That doesn't look like an email address";
  if (!fields.password) errors.password = "Enter your password";
  else if (form === "sign-up" && fields.password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters`;
  return errors;
}
