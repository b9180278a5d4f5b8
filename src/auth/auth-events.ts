/**
 * Sign-ins, failed sign-ins and sign-outs in the audit log. better-auth does the signing in;
 * this records what it answered. A failed attempt is filed under the account whose email was
 * tried (when there is one), so its owner sees attempts on their account; the password is never
 * part of an event.
 */
import type { Kysely } from "kysely";
import { userActor, type RequestOrigin } from "../access/actor.js";
import { auditEvent, type AuditService } from "../audit/audit-service.js";
import type { Database } from "../db/schema.js";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

export function createAuthEvents(deps: { db: Kysely<Database>; audit: Pick<AuditService, "record"> }) {
  const { db, audit } = deps;
  const onAccount = (user: SignedInUser) => ({ owner: { type: "user" as const, id: user.id }, target: { type: "user", id: user.id, label: user.email } });

  return {
    signedIn: (user: SignedInUser, origin: RequestOrigin) =>
      audit.record(auditEvent(userActor(user.id, user.name || user.email, origin), "auth.sign_in", onAccount(user))),

    signedOut: (user: SignedInUser, origin: RequestOrigin) =>
      audit.record(auditEvent(userActor(user.id, user.name || user.email, origin), "auth.sign_out", onAccount(user))),

    async signInFailed(email: string, origin: RequestOrigin): Promise<void> {
      const account = await db.selectFrom("user").select(["id", "email", "name"]).where("email", "=", email).executeTakeFirst();
      // Nobody is signed in: the actor is whoever tried, known only by the email they typed.
      const actor = userActor(account?.id ?? "unknown", email, origin);
      await audit.record(
        auditEvent(actor, "auth.sign_in_failed", account ? onAccount(account) : { target: { type: "user", id: "unknown", label: email } }),
      );
    },
  };
}

export type AuthEvents = ReturnType<typeof createAuthEvents>;
