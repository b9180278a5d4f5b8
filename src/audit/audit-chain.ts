/**
 * The tamper evidence of the audit log, pure: each event's hash covers its whole content and
 * the previous event's hash, so editing, deleting, inserting or reordering a stored row breaks
 * the chain at that row. The canonical form is a JSON array in a fixed order: JSON escapes
 * every string the same way everywhere, and no field can spill into its neighbour.
 */
import { createHash } from "node:crypto";
import type { AuditEventsTable } from "../db/schema.js";

/** The "previous hash" of the first event ever written. */
export const GENESIS_HASH = "0".repeat(64);

/** Everything an event's hash covers: all of the stored row but the hash itself. */
export type ChainedFields = Omit<AuditEventsTable, "hash">;

export function eventHash(e: ChainedFields): string {
  const canonical = JSON.stringify([
    e.seq,
    e.id,
    e.at,
    e.action,
    e.actor_type,
    e.actor_id,
    e.actor_label,
    e.target_type,
    e.target_id,
    e.target_label,
    e.user_id,
    e.team_id,
    e.ip,
    e.user_agent,
    e.details,
    e.prev_hash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
