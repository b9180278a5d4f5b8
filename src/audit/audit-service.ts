/**
 * Records audit events. A change records its event inside its own transaction (`within`), so
 * both commit or neither does; an event with no change of its own (a reveal, a sign-in) is
 * written in a transaction of its own (`record`), awaited before the caller goes on — a reveal
 * whose event cannot be written fails, and nothing leaves.
 */
import type { Kysely, Transaction } from "kysely";
import type { Actor, SystemActorName } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import type { Database } from "../db/schema.js";
import { appendAuditEvents } from "./audit-store.js";
import type { AuditAction, AuditEventInput } from "./audit-types.js";

const USER_AGENT_MAX = 300;

/** How the system actors other than `keyhaven <name>` appear in the log. */
const SYSTEM_LABELS: Partial<Record<SystemActorName, string>> = {
  library: "the library (apiKeyProvider)",
  backup: "scheduled backups",
};

/** How an actor appears in the log: ids and names, never a secret. */
export function auditActor(actor: Actor): AuditEventInput["actor"] {
  switch (actor.type) {
    case "user":
      return { type: "user", id: actor.userId, label: actor.label ?? actor.userId };
    case "token":
      return { type: "token", id: actor.tokenId, label: actor.name };
    case "system":
      return { type: "system", id: actor.name, label: SYSTEM_LABELS[actor.name] ?? `keyhaven ${actor.name}` };
  }
}

/** One event by `actor`, from where the request came, about a resource of `owner`. */
export function auditEvent(
  actor: Actor,
  action: AuditAction,
  opts: { owner?: OwnerRef | null; target?: AuditEventInput["target"]; details?: Record<string, unknown> } = {},
): AuditEventInput {
  const origin = actor.type === "system" ? undefined : actor.origin;
  return {
    action,
    actor: auditActor(actor),
    target: opts.target ?? null,
    userId: opts.owner?.type === "user" ? opts.owner.id : null,
    teamId: opts.owner?.type === "team" ? opts.owner.id : null,
    ip: origin?.ip ?? null,
    userAgent: origin?.userAgent ? origin.userAgent.slice(0, USER_AGENT_MAX) : null,
    details: opts.details ?? {},
  };
}

export function createAuditService(deps: { db: Kysely<Database>; now: () => Date }) {
  const { db, now } = deps;
  return {
    /** Inside the caller's transaction: the change and its events commit together. */
    within: (trx: Transaction<Database>, events: readonly AuditEventInput[]) => appendAuditEvents(trx, events, now().toISOString()),
    /** In a transaction of its own, committed when this resolves. */
    record: (...events: AuditEventInput[]) => db.transaction().execute((trx) => appendAuditEvents(trx, events, now().toISOString())),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
