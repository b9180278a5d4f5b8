/**
 * An admin's work on accounts: list them, add one (also while sign-up is closed), disable and
 * enable. Every call asks the policy (`admin.users`) first. An admin sees who has an account,
 * never anyone's keys: nothing here reads api_keys.
 */
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import { AppError, notFound } from "../platform/errors.js";
import type { AdminUser, CreateUserBody } from "../shared/api-schemas.js";
import type { AdminStore, UserRecord } from "./admin-store.js";
import type { Admins } from "./admins.js";

/**
 * Creates an account with a password the way sign-up does (better-auth hashes the password),
 * without signing anyone in. Supplied by the server (auth/account-creator.ts): this domain
 * does not load better-auth. Throws CONFLICT when the email is taken.
 */
export type CreateAccount = (input: CreateUserBody) => Promise<{ id: string }>;

export interface UserAdminDeps {
  store: AdminStore;
  admins: Admins;
  createAccount: CreateAccount;
  now?: () => Date;
}

const toView = (user: UserRecord, admins: ReadonlySet<string>): AdminUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  createdAt: user.createdAt,
  disabled: user.disabledAt !== null,
  disabledAt: user.disabledAt,
  isAdmin: admins.has(user.id),
});

export function createUserAdminService(deps: UserAdminDeps) {
  const { store, admins } = deps;
  const now = deps.now ?? (() => new Date());

  /** The current admins, once the policy has let the actor act as one. */
  async function asAdmin(actor: Actor): Promise<ReadonlySet<string>> {
    const ids = await admins.ids();
    authorize(actor, "admin.users", { admins: ids });
    return ids;
  }

  async function viewOf(id: string): Promise<AdminUser> {
    const user = await store.findUser(id);
    if (!user) throw notFound("User");
    return toView(user, await admins.ids());
  }

  async function setDisabled(actor: Actor, id: string, disabled: boolean): Promise<AdminUser> {
    await asAdmin(actor);
    // Locking oneself out would leave an instance whose only admin cannot sign in.
    if (disabled && actor.type === "user" && actor.userId === id) {
      throw new AppError("CONFLICT", "You cannot disable your own account; another admin can");
    }
    if (!(await store.setDisabled(id, disabled ? now().toISOString() : null))) throw notFound("User");
    return viewOf(id);
  }

  return {
    async list(actor: Actor): Promise<AdminUser[]> {
      const ids = await asAdmin(actor);
      return (await store.listUsers()).map((u) => toView(u, ids));
    },

    async create(actor: Actor, input: CreateUserBody): Promise<AdminUser> {
      await asAdmin(actor);
      const { id } = await deps.createAccount(input);
      return viewOf(id);
    },

    /** Ends the account's sessions and revokes its access tokens at once; sign-in is refused until enabled. */
    disable: (actor: Actor, id: string) => setDisabled(actor, id, true),

    /** Lets the account sign in again; its old sessions and tokens stay ended. */
    enable: (actor: Actor, id: string) => setDisabled(actor, id, false),
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
