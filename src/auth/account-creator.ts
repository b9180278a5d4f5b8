/**
 * Adds an account with a password exactly as better-auth's sign-up stores one (its user and
 * credential rows, its password hash), but signs nobody in: an admin adds people this way,
 * also while sign-up is closed.
 */
import type { CreateAccount } from "../admin/user-admin-service.js";
import { isUniqueViolation } from "../db/unique-violation.js";
import { conflict } from "../platform/errors.js";
import type { Auth } from "./auth.js";

const TAKEN = "An account with this email already exists";

export function createAccountCreator(auth: Auth): CreateAccount {
  return async ({ email, name, password }) => {
    const ctx = await auth.$context;
    if (await ctx.internalAdapter.findUserByEmail(email)) throw conflict(TAKEN);
    const hash = await ctx.password.hash(password);
    let userId: string;
    try {
      userId = (await ctx.internalAdapter.createUser({ email, name, emailVerified: false }, { method: "admin" })).id;
    } catch (err) {
      // Someone took the email between the check and the insert.
      if (isUniqueViolation(err)) throw conflict(TAKEN);
      throw err;
    }
    try {
      await ctx.internalAdapter.linkAccount({ providerId: "credential", accountId: userId, userId, password: hash });
    } catch (err) {
      // No account without a way to sign in: take the user row back.
      await ctx.internalAdapter.deleteUser(userId).catch(() => {});
      throw err;
    }
    return { id: userId };
  };
}
