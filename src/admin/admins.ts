/**
 * Who the instance admins are: the accounts whose emails are in KEYHAVEN_ADMIN_EMAILS, or, when
 * that is unset, the first account created. Read from the database on every call (no cache that
 * could outlive a commit); the policy (access/policy.ts) decides from the answer.
 */
import type { AdminStore } from "./admin-store.js";

export interface AccountStatus {
  isAdmin: boolean;
  disabled: boolean;
}

export function createAdmins(deps: { store: AdminStore; adminEmails: readonly string[] }) {
  const { store, adminEmails } = deps;
  const byEmail = adminEmails.length > 0;

  return {
    /** The admins' user ids now: what the policy's admin actions check the actor against. */
    async ids(): Promise<ReadonlySet<string>> {
      if (byEmail) return new Set(await store.idsByEmail(adminEmails));
      const first = await store.firstUserId();
      return new Set(first === undefined ? [] : [first]);
    },

    /** Whether an account is an admin and whether it is disabled; undefined for no such account. */
    async status(userId: string): Promise<AccountStatus | undefined> {
      const user = await store.findUser(userId);
      if (!user) return undefined;
      const isAdmin = byEmail ? adminEmails.includes(user.email.toLowerCase()) : (await store.firstUserId()) === userId;
      return { isAdmin, disabled: user.disabledAt !== null };
    },
  };
}

export type Admins = ReturnType<typeof createAdmins>;
