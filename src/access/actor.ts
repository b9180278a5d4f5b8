/**
 * Who is acting. Every key-service mutation, reveal, test and hand-out names its actor; the
 * policy (policy.ts) decides from it, and the audit log (next) will record it. Today a signed-in
 * user, an access token, or the system; team members plug in here as a further variant.
 */
import type { TokenScope } from "../shared/api-schemas.js";

/** Where a request came from, for the audit log (never used to decide anything). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export type Actor =
  /** A person signed in to the web app or the REST API with a session; `label` names them in the audit log. */
  | { type: "user"; userId: string; label?: string; origin?: RequestOrigin }
  /**
   * A request carrying `Authorization: Bearer kh_…`. A personal token acts as its user within
   * its scopes; a service token (userId null) acts for an application.
   */
  | {
      type: "token";
      tokenId: string;
      name: string;
      kind: "personal" | "service";
      userId: string | null;
      scopes: readonly TokenScope[];
      origin?: RequestOrigin;
    }
  /**
   * Trusted code of the operator: the library (`apiKeyProvider`) handing out a user's key to
   * the application it runs in, a CLI command run on the server, the rotation scheduler, or the
 * server's scheduled backups.
   * `name` says which.
   */
  | { type: "system"; name: SystemActorName };

export type SystemActorName = "library" | "cli" | "rotation" | "backup";

export const userActor = (userId: string, label?: string, origin?: RequestOrigin): Actor => ({
  type: "user",
  userId,
  ...(label !== undefined ? { label } : {}),
  ...(origin ? { origin } : {}),
});

/** The library's hand-out: the application asks for a user's key on that user's behalf. */
export const LIBRARY_ACTOR: Actor = Object.freeze({ type: "system", name: "library" });
/** Maintenance commands (`keyhaven reseal`) run by the operator on the server. */
export const CLI_ACTOR: Actor = Object.freeze({ type: "system", name: "cli" });
/** Automatic key rotation run by the server: the scheduler rotating due keys, the AWS sweeper deleting rotated-out access keys. */
export const ROTATION_ACTOR: Actor = Object.freeze({ type: "system", name: "rotation" });

/** The server's scheduled backups (KEYHAVEN_BACKUP_DIR). */
export const BACKUP_ACTOR: Actor = Object.freeze({ type: "system", name: "backup" });

/** For logs (and soon audit rows): ids only, never a secret. */
export function describeActor(actor: Actor): string {
  if (actor.type === "user") return `user:${actor.userId}`;
  if (actor.type === "token") return `token:${actor.tokenId}`;
  return `system:${actor.name}`;
}
