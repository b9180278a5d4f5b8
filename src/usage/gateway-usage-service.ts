/**
 * What the gateway's ledger and limits look like to a person: `GET /api/usage` (requests,
 * tokens and cost per day, key, model or token) and `GET /api/limits` (every limit they can
 * see, with where its budget stands), and setting a team member's limits. Who sees what: one's
 * own requests; a team's owners and admins every member's requests with the team's keys
 * (`team.usage_all`), a member their own within the team.
 */
import type { Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import type { Database } from "../db/schema.js";
import type { LimitSubject, SpendLimits } from "../limits/spend-limits.js";
import { parseSubjectKey, subjectKey } from "../limits/spend-limits.js";
import type { LimitStore } from "../limits/limit-store.js";
import { AppError } from "../platform/errors.js";
import type { Limits, LimitAlert, LimitStatus, UsageQuery, UsageReport } from "../shared/limits.js";
import { USAGE_RANGE_DAYS_MAX } from "../shared/limits.js";
import type { TeamRole } from "../shared/team-roles.js";
import type { GatewayLedger } from "./gateway-ledger.js";

const DAY_MS = 86_400_000;

export interface GatewayUsageDeps {
  db: Kysely<Database>;
  ledger: Pick<GatewayLedger, "report" | "flush">;
  limits: Pick<SpendLimits, "set" | "budgetStatus">;
  store: Pick<LimitStore, "listLimits" | "listLimitsLike" | "alertsFor">;
  roleOf(actor: Actor, teamId: string): Promise<TeamRole | null>;
  now?: () => Date;
}

/** The person behind an actor (a personal token's user); a service token has none. */
function personOf(actor: Actor): string {
  if (actor.type === "user") return actor.userId;
  if (actor.type === "token" && actor.userId !== null) return actor.userId;
  throw new AppError("FORBIDDEN", "Only a person (signed in, or with a personal token) has usage");
}

const canManage = (role: TeamRole | null) => role === "owner" || role === "admin";

export function createGatewayUsageService(deps: GatewayUsageDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  function range(query: UsageQuery): { from: number; to: number } {
    const t = now().getTime();
    const to = query.to !== undefined ? Date.parse(query.to) + (query.to.length === 10 ? DAY_MS : 0) : t;
    const from = query.from !== undefined ? Date.parse(query.from) : to - 30 * DAY_MS;
    if (!(from < to)) throw new AppError("VALIDATION_ERROR", "from must be before to", { details: [{ path: "query.from", message: "must be before to" }] });
    if (to - from > USAGE_RANGE_DAYS_MAX * DAY_MS) {
      throw new AppError("VALIDATION_ERROR", `A report covers at most ${USAGE_RANGE_DAYS_MAX} days`, { details: [{ path: "query.from", message: `at most ${USAGE_RANGE_DAYS_MAX} days before to` }] });
    }
    return { from, to };
  }

  return {
    async report(actor: Actor, query: UsageQuery): Promise<UsageReport> {
      const userId = personOf(actor);
      authorize(actor, "key.list", { owner: { type: "user", id: userId } });
      const groupBy = query.groupBy ?? "day";
      const { from, to } = range(query);
      let scope: { userId?: string; teamId?: string } = { userId };
      if (query.teamId !== undefined) {
        const role = await deps.roleOf(actor, query.teamId);
        if (!role) throw new AppError("NOT_FOUND", "Team not found");
        scope = canManage(role) ? { teamId: query.teamId } : { userId, teamId: query.teamId };
      }
      // What this instance still holds in memory is part of the answer.
      await deps.ledger.flush().catch(() => {});
      const rows = await deps.ledger.report(scope, from, to, groupBy);
      return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), groupBy, rows };
    },

    /** Every limit the person can see — their keys and tokens, their teams' keys, members' — with budget use. */
    async overview(actor: Actor): Promise<{ limits: LimitStatus[]; alerts: LimitAlert[] }> {
      const userId = personOf(actor);
      authorize(actor, "key.list", { owner: { type: "user", id: userId } });
      const memberships = await db.selectFrom("member").select(["organizationId", "role"]).where("userId", "=", userId).execute();
      const teamIds = memberships.map((m) => m.organizationId);
      const keys = await db
        .selectFrom("api_keys")
        .select(["id", "name", "owner_type", "owner_id"])
        .where((eb) => eb.or([eb.and([eb("owner_type", "=", "user"), eb("owner_id", "=", userId)]), ...(teamIds.length ? [eb.and([eb("owner_type", "=", "team"), eb("owner_id", "in", teamIds)])] : [])]))
        .execute();
      const tokens = await db.selectFrom("access_tokens").select(["id", "name"]).where("user_id", "=", userId).where("revoked_at", "is", null).execute();
      const subjects = new Map<string, { subject: LimitSubject; name: string | null; teamId: string | null }>();
      for (const k of keys) subjects.set(`key:${k.id}`, { subject: { kind: "key", id: k.id }, name: k.name, teamId: k.owner_type === "team" ? k.owner_id : null });
      for (const t of tokens) subjects.set(`token:${t.id}`, { subject: { kind: "token", id: t.id }, name: t.name, teamId: null });
      const found = await deps.store.listLimits([...subjects.keys()]);
      const members: { key: string; subject: Extract<LimitSubject, { kind: "member" }> }[] = [];
      for (const m of memberships) {
        const prefix = canManage(m.role as TeamRole) ? `member:${m.organizationId}:` : `member:${m.organizationId}:${userId}`;
        for (const [key, limits] of await deps.store.listLimitsLike(prefix)) {
          const subject = parseSubjectKey(key);
          if (subject?.kind !== "member") continue;
          members.push({ key, subject });
          found.set(key, limits);
        }
      }
      // Members are named by their account: one query for all of them.
      const memberIds = [...new Set(members.map((x) => x.subject.userId))];
      const people = memberIds.length ? await db.selectFrom("user").select(["id", "name", "email"]).where("id", "in", memberIds).execute() : [];
      const nameOf = new Map(people.map((u) => [u.id, u.name || u.email || null]));
      for (const { key, subject } of members) subjects.set(key, { subject, name: nameOf.get(subject.userId) ?? null, teamId: subject.teamId });
      const limits: LimitStatus[] = [];
      for (const [key, limitsOf] of found) {
        const s = subjects.get(key);
        if (!s) continue;
        const budget = limitsOf.budget ? { ...limitsOf.budget, ...(await deps.limits.budgetStatus(s.subject, limitsOf.budget)) } : null;
        limits.push({ kind: s.subject.kind, id: s.subject.kind === "member" ? s.subject.userId : s.subject.id, teamId: s.teamId, name: s.name, limits: limitsOf, budget });
      }
      const since = new Date(now().getTime() - 30 * DAY_MS).toISOString();
      const alerts = (await deps.store.alertsFor(userId, teamIds, since, 50)).map((a) => ({ id: a.id, at: a.at, threshold: a.threshold, message: a.message, teamId: a.team_id }));
      return { limits, alerts };
    },

    /** A team's owners and admins set a member's limits (null clears them). */
    async setMemberLimits(actor: Actor, teamId: string, memberUserId: string, limits: Limits | null): Promise<{ teamId: string; userId: string; limits: Limits | null }> {
      const role = await deps.roleOf(actor, teamId);
      if (!role) throw new AppError("NOT_FOUND", "Team not found");
      authorize(actor, "team.members", { owner: { type: "team", id: teamId }, teamRole: role });
      const member = await db.selectFrom("member").select("userId").where("organizationId", "=", teamId).where("userId", "=", memberUserId).executeTakeFirst();
      if (!member) throw new AppError("NOT_FOUND", "Member not found");
      await deps.limits.set({ kind: "member", teamId, userId: memberUserId }, limits);
      return { teamId, userId: memberUserId, limits };
    },

    subjectKey,
  };
}

export type GatewayUsageService = ReturnType<typeof createGatewayUsageService>;
