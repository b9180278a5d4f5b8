/**
 * The audit log as people and scripts read it (`GET /api/audit`, the Audit page): newest first,
 * filtered, a page at a time. A user reads the events of their own keys, tokens and sign-ins;
 * an instance admin may read everyone's (`all`). The policy decides both.
 */
import type { Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import type { AuditEventsTable, Database } from "../db/schema.js";
import { AppError, validationError } from "../platform/errors.js";
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

/** The filters of a list or an export, as the store takes them (who, what, when). */
type AuditFilters = Pick<AuditQuery, "action" | "keyId" | "actorId" | "from" | "to" | "all" | "teamId">;

/** Whose events a reader may see: one user's and their teams', or everyone's (userId null). */
interface AuditScope {
  userId: string | null;
  teamIds: readonly string[];
  teamId?: string;
}

export const AUDIT_EXPORT_PAGE = 1_000;

/** The teams whose events a person reads: those where their role may see the team's log (teams/team-service.ts). */
export type AuditTeams = (actor: Actor) => Promise<readonly string[]>;

export function createAuditReader(db: Kysely<Database>, admins: Pick<Admins, "ids">, auditTeams: AuditTeams = async () => []) {
  /**
   * Whose events this actor may read with these filters: one user's and the teams they
   * administer, one of those teams' (`teamId`), or (admins, `all`) everyone's.
   */
  async function scopeOf(actor: Actor, query: AuditFilters): Promise<AuditScope> {
    const own = actor.type === "system" ? null : actor.userId;
    // "All" is asked of the policy as an admin's read of the instance's log; one's own as a read of one's own.
    if (query.all === "true") {
      authorize(actor, "audit.read_all", { admins: await admins.ids() });
      return { userId: null, teamIds: [], teamId: query.teamId };
    }
    authorize(actor, "audit.read", { owner: { type: "user", id: own ?? "" } });
    const teamIds = await auditTeams(actor);
    // A team one does not administer answers like one that does not exist.
    if (query.teamId !== undefined && !teamIds.includes(query.teamId)) throw new AppError("NOT_FOUND", "Team not found");
    return { userId: own, teamIds, teamId: query.teamId };
  }

  async function page(scope: AuditScope, query: AuditFilters, beforeSeq: number | undefined, limit: number): Promise<AuditEventsTable[]> {
    return listAuditEvents(db, {
      ...scope,
      action: query.action,
      keyId: query.keyId,
      actorId: query.actorId,
      from: asInstant(query.from),
      to: asInstant(query.to),
      beforeSeq,
      limit,
    });
  }

  /** Hand-outs are recorded by key id alone (the hot path knows no name): name them now. */
  async function named(events: AuditEvent[]): Promise<AuditEvent[]> {
    const unnamed = [...new Set(events.filter((e) => e.target?.type === "key" && e.target.label === null).map((e) => e.target!.id))];
    if (unnamed.length > 0) {
      const names = new Map(
        (await db.selectFrom("api_keys").select(["id", "name"]).where("id", "in", unnamed).execute()).map((r) => [r.id, r.name]),
      );
      for (const e of events) if (e.target && e.target.label === null) e.target.label = names.get(e.target.id) ?? null;
    }
    return events;
  }

  return {
    async list(actor: Actor, query: AuditQuery): Promise<AuditList> {
      const scope = await scopeOf(actor, query);
      const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
      const rows = await page(scope, query, query.cursor === undefined ? undefined : decodeCursor(query.cursor), limit + 1);
      const shown = rows.slice(0, limit);
      return {
        events: await named(shown.map(toAuditEvent)),
        nextCursor: rows.length > limit ? encodeCursor(Number(shown[shown.length - 1].seq)) : null,
      };
    },

    /**
     * Every event matching the filters, newest first, a page at a time (for the export): the
     * access check runs here, before anything is sent; what is appended meanwhile is not included.
     */
    async export(actor: Actor, query: AuditFilters): Promise<AsyncIterable<AuditEvent[]>> {
      const scope = await scopeOf(actor, query);
      return {
        async *[Symbol.asyncIterator]() {
          let beforeSeq: number | undefined;
          for (;;) {
            const rows = await page(scope, query, beforeSeq, AUDIT_EXPORT_PAGE);
            if (rows.length > 0) yield await named(rows.map(toAuditEvent));
            if (rows.length < AUDIT_EXPORT_PAGE) return;
            beforeSeq = Number(rows[rows.length - 1].seq);
          }
        },
      };
    },
  };
}

export type AuditReader = ReturnType<typeof createAuditReader>;
