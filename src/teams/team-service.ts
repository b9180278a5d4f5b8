/**
 * Teams as the rest of Keyhaven sees them: a person's teams and role, the preferred team for
 * hand-outs, who used which team key, what happens to a deleted team's keys, and the audit
 * events of team changes. better-auth's organization plugin owns the team, member and
 * invitation rows; this module reads them (never cached) and asks the policy for everything.
 */
import type { Kysely } from "kysely";
import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import { isAllowed } from "../access/policy.js";
import { auditEvent, type AuditService } from "../audit/audit-service.js";
import type { AuditAction } from "../audit/audit-types.js";
import type { Database } from "../db/schema.js";
import { AppError } from "../platform/errors.js";
import type { TeamList, TeamUsage } from "../shared/api-schemas.js";
import type { TeamRole } from "../shared/team-roles.js";
import { utcDay, DAY_MS } from "../usage/utc-day.js";
import type { TeamStore } from "./team-store.js";

export interface TeamServiceDeps {
  db: Kysely<Database>;
  store: TeamStore;
  audit: Pick<AuditService, "within" | "record">;
  now?: () => Date;
}

/** The person behind an actor: a signed-in user or a personal token's user; null for others. */
export const personOf = (actor: Actor): string | null =>
  actor.type === "user" ? actor.userId : actor.type === "token" && actor.kind === "personal" ? actor.userId : null;

const teamOwner = (teamId: string): OwnerRef => ({ type: "team", id: teamId });

export function createTeamService(deps: TeamServiceDeps) {
  const { db, store, audit } = deps;
  const now = deps.now ?? (() => new Date());

  /** The actor's role in the team now (null: not a member, or not a person). */
  async function roleOf(actor: Actor, teamId: string): Promise<TeamRole | null> {
    const person = personOf(actor);
    return person === null ? null : store.roleOf(person, teamId);
  }

  /** Throws NOT_FOUND unless the actor is a person who is a member of the team. */
  async function requireMember(actor: Actor, teamId: string): Promise<TeamRole> {
    const role = await roleOf(actor, teamId);
    if (!role) throw new AppError("NOT_FOUND", "Team not found");
    return role;
  }

  function requirePerson(actor: Actor): string {
    const person = personOf(actor);
    if (person === null) throw new AppError("FORBIDDEN", "Only a person (signed in, or with a personal token) has teams");
    return person;
  }

  return {
    roleOf,

    /** Whether someone with this email has been invited to a team (closed sign-up still lets them in). */
    isInvited: (email: string): Promise<boolean> => store.hasPendingInvitation(email, now()),

    /** A member's role, the member named by id or email; null: no such member of the team. */
    memberRole: (teamId: string, memberIdOrEmail: string): Promise<TeamRole | null> => store.memberRole(teamId, memberIdOrEmail),

    /** The team's pending invitations for this email: a new invitation to it cancels them. */
    pendingInvitations: (teamId: string, email: string): Promise<string[]> => store.pendingInvitationIds(teamId, email),

    /** Those of `ids` whose invitation is cancelled now. */
    cancelledInvitations: (ids: readonly string[]): Promise<string[]> => store.cancelledInvitationIds(ids),

    /** The role the policy needs for a resource of `owner`: the actor's, for a team; undefined for a user's. */
    async teamRoleFor(actor: Actor, owner: OwnerRef): Promise<TeamRole | null | undefined> {
      return owner.type === "team" ? roleOf(actor, owner.id) : undefined;
    },

    /** The teams whose audit events the actor reads: where their role sees the team's log. */
    auditTeams: async (actor: Actor): Promise<string[]> => {
      const person = personOf(actor);
      if (person === null) return [];
      const memberships = await store.membershipsOf(person);
      return memberships.filter((m) => isAllowed(actor, "team.usage_all", { owner: teamOwner(m.teamId), teamRole: m.role })).map((m) => m.teamId);
    },

    /** The teams the actor belongs to, oldest membership first. */
    async list(actor: Actor): Promise<TeamList> {
      const person = requirePerson(actor);
      const [memberships, preferred] = await Promise.all([store.membershipsOf(person), store.preferredTeamOf(person)]);
      // A preference for a team one has left no longer applies.
      const preferredTeamId = memberships.some((m) => m.teamId === preferred) ? preferred : null;
      return {
        preferredTeamId,
        teams: memberships.map((m) => ({
          id: m.teamId,
          name: m.name,
          slug: m.slug,
          role: m.role,
          memberCount: m.memberCount,
          keyCount: m.keyCount,
          joinedAt: m.joinedAt,
          preferred: m.teamId === preferredTeamId,
        })),
      };
    },

    /** Which team's keys the actor's hand-outs take first (null: the oldest membership's). */
    async setPreferred(actor: Actor, teamId: string | null): Promise<{ preferredTeamId: string | null }> {
      const person = requirePerson(actor);
      if (teamId !== null) await requireMember(actor, teamId);
      await store.setPreferredTeam(person, teamId, now().toISOString());
      return { preferredTeamId: teamId };
    },

    /** Hand-outs of the team's keys per member, key and day: everyone's for owners and admins, one's own for members. */
    async usage(actor: Actor, teamId: string, days: number): Promise<TeamUsage> {
      const role = await requireMember(actor, teamId);
      const person = personOf(actor)!;
      const all = isAllowed(actor, "team.usage_all", { owner: teamOwner(teamId), teamRole: role });
      const fromDay = utcDay(now().getTime() - (days - 1) * DAY_MS);
      const rows = await store.memberUsage(teamId, fromDay, all ? undefined : person);
      const users = await store.usersByIds([...new Set(rows.map((r) => r.userId))]);
      return {
        teamId,
        scope: all ? "all" : "own",
        days,
        rows: rows.map((r) => ({
          date: r.day,
          keyId: r.keyId,
          keyName: r.keyName,
          service: r.service as TeamUsage["rows"][number]["service"],
          userId: r.userId,
          userName: users.get(r.userId)?.name ?? null,
          userEmail: users.get(r.userId)?.email ?? null,
          count: r.count,
        })),
      };
    },

    /**
     * A team was deleted (better-auth removed it, its members and invitations): its keys, their
     * history, usage and the team's data keys go too, in one transaction with the events.
     */
    async deleted(actor: Actor, team: { id: string; name: string }): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const keys = await store.deleteTeamKeys(tx, team.id);
        const owner = teamOwner(team.id);
        await audit.within(tx, [
          ...keys.map((k) => auditEvent(actor, "key.delete", { owner, target: { type: "key", id: k.id, label: k.name }, details: { reason: "team deleted" } })),
          auditEvent(actor, "team.delete", { owner, target: { type: "team", id: team.id, label: team.name }, details: { keysDeleted: keys.length } }),
        ]);
      });
    },

    /** A team change made through better-auth's routes, recorded once it is done. */
    async recordChange(
      actor: Actor,
      action: Extract<AuditAction, `team.${string}`>,
      teamId: string,
      target: { type: string; id: string; label?: string | null } | null,
      details: Record<string, unknown> = {},
    ): Promise<void> {
      // A member is named by email in the log, as accounts are elsewhere.
      if (target?.type === "user" && !target.label) {
        target = { ...target, label: (await store.usersByIds([target.id])).get(target.id)?.email ?? null };
      }
      await audit.record(auditEvent(actor, action, { owner: teamOwner(teamId), target, details }));
    },
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
