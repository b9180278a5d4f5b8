/**
 * The audit log as people and scripts read it (`GET /api/audit`, the Audit page): newest first,
 * filtered, a page at a time. A user reads the events of their own keys, tokens and sign-ins;
 * an instance admin may read everyone's (`all`). The policy decides both.
 */
import type { Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import type { AuditEventsTable, Database } from "../db/schema.js";
import { validationError } from "../platform/errors.js";
import type { AuditEvent, AuditList, AuditQuery } from "../shared/api-schemas.js";
import { listAuditEvents } from "./audit-store.js";
import type { Admins } from "../admin/admins.js";

export const AUDIT_PAGE_DEFAULT = 50;

export function toAuditEvent(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: row.at,
    action: row.action,
    actor: { type: row.actor_type as AuditEvent["actor"]["type"], id: row.actor_id, label: row.actor_label },
    target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id, label: row.target_label } : null,
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString("base64url");
function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw validationError("Invalid request: query.cursor is not a cursor of this list; start again without it", [
    { path: "query.cursor", message: "is not a cursor of this list" },
  ]);
  return Number(m[1]);
}

/** ISO text compares like time only in one form: dates are turned into UTC timestamps. */
const asInstant = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).toISOString());

export function createAuditReader(db: Kysely<Database>, admins: Pick<Admins, "ids">) {
  return {
    async list(actor: Actor, query: AuditQuery): Promise<AuditList> {
      const all = query.all === "true";
      const own = actor.type === "system" ? null : actor.userId;
      // "All" is asked of the policy as an admin's read of the instance's log; one's own as a read of one's own.
      if (all) authorize(actor, "audit.read_all", { admins: await admins.ids() });
      else authorize(actor, "audit.read", { owner: { type: "user", id: own ?? "" } });
      const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
      const rows = await listAuditEvents(db, {
        userId: all ? null : own,
        action: query.action,
        keyId: query.keyId,
        actorId: query.actorId,
        from: asInstant(query.from),
        to: asInstant(query.to),
        beforeSeq: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const shown = rows.slice(0, limit);
      const events = shown.map(toAuditEvent);
      // Hand-outs are recorded by key id alone (the hot path knows no name): name them now.
      const unnamed = [...new Set(events.filter((e) => e.target?.type === "key" && e.target.label === null).map((e) => e.target!.id))];
      if (unnamed.length > 0) {
        const names = new Map(
          (await db.selectFrom("api_keys").select(["id", "name"]).where("id", "in", unnamed).execute()).map((r) => [r.id, r.name]),
        );
        for (const e of events) if (e.target && e.target.label === null) e.target.label = names.get(e.target.id) ?? null;
      }
      return {
        events,
        nextCursor: rows.length > limit ? encodeCursor(Number(shown[shown.length - 1].seq)) : null,
      };
    },
  };
}

export type AuditReader = ReturnType<typeof createAuditReader>;
