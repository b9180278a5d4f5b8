/**
 * Data access for teams: memberships (better-auth's `member` rows, read here, written by its
 * organization plugin), the preferred team, per-member usage of team keys, and the removal of
 * a deleted team's keys. Every read is of the database now: no membership is cached, so a
 * member removed by any instance is refused by every instance after the commit.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { isTeamRole, type TeamRole } from "../shared/team-roles.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface MembershipRow {
  teamId: string;
  name: string;
  slug: string;
  role: TeamRole;
  joinedAt: string;
  memberCount: number;
  keyCount: number;
}

export interface MemberUsageRow {
  keyId: string;
  keyName: string;
  service: string;
  userId: string;
  day: string;
  count: number;
}

/** Dates come back as Date from PostgreSQL and as ISO text from SQLite. */
export const isoOf = (value: string | Date): string => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

const MEMBER_PREFIX = "user:";

export function createTeamStore(db: Kysely<Database>) {
  return {
    /** The person's role in the team now; null when they are not a member (or there is no such team). */
    async roleOf(userId: string, teamId: string): Promise<TeamRole | null> {
      const row = await db
        .selectFrom("member")
        .select("role")
        .where("organizationId", "=", teamId)
        .where("userId", "=", userId)
        .executeTakeFirst();
      // A role we do not know (written by hand) grants nothing beyond a member's.
      return row ? (isTeamRole(row.role) ? row.role : "member") : null;
    },

    /** A member's role in the team, the member named by id or by email (as better-auth's remove-member takes it); null: none such. */
    async memberRole(teamId: string, memberIdOrEmail: string): Promise<TeamRole | null> {
      const base = db.selectFrom("member").select("member.role").where("member.organizationId", "=", teamId);
      const row = await (memberIdOrEmail.includes("@")
        ? base.innerJoin("user", "user.id", "member.userId").where("user.email", "=", memberIdOrEmail.toLowerCase())
        : base.where("member.id", "=", memberIdOrEmail)
      ).executeTakeFirst();
      return row ? (isTeamRole(row.role) ? row.role : "member") : null;
    },

    /** The teams a person belongs to, oldest membership first, with their role and sizes. */
    async membershipsOf(userId: string): Promise<MembershipRow[]> {
      const rows = await db
        .selectFrom("member as m")
        .innerJoin("organization as o", "o.id", "m.organizationId")
        .select(["o.id", "o.name", "o.slug", "m.role", "m.createdAt"])
        .select((eb) => [
          eb.selectFrom("member as all_m").select((e) => e.fn.countAll().as("n")).whereRef("all_m.organizationId", "=", "o.id").as("memberCount"),
          eb
            .selectFrom("api_keys as k")
            .select((e) => e.fn.countAll().as("n"))
            .where("k.owner_type", "=", "team")
            .whereRef("k.owner_id", "=", "o.id")
            .as("keyCount"),
        ])
        .where("m.userId", "=", userId)
        .orderBy("m.createdAt")
        .orderBy("o.id")
        .execute();
      return rows.map((r) => ({
        teamId: r.id,
        name: r.name,
        slug: r.slug,
        role: isTeamRole(r.role) ? r.role : "member",
        joinedAt: isoOf(r.createdAt),
        memberCount: Number(r.memberCount ?? 0),
        keyCount: Number(r.keyCount ?? 0),
      }));
    },

    async preferredTeamOf(userId: string): Promise<string | null> {
      const row = await db.selectFrom("team_preferences").select("team_id").where("user_id", "=", userId).executeTakeFirst();
      return row?.team_id ?? null;
    },

    async setPreferredTeam(userId: string, teamId: string | null, at: string): Promise<void> {
      if (teamId === null) {
        await db.deleteFrom("team_preferences").where("user_id", "=", userId).execute();
        return;
      }
      await db
        .insertInto("team_preferences")
        .values({ user_id: userId, team_id: teamId, updated_at: at })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ team_id: teamId, updated_at: at }))
        .execute();
    },

    /** True when a pending invitation to some team, not expired, names this email. */
    async hasPendingInvitation(email: string, now: Date): Promise<boolean> {
      const rows = await db
        .selectFrom("invitation")
        .select("expiresAt")
        .where("email", "=", email.toLowerCase())
        .where("status", "=", "pending")
        .execute();
      return rows.some((r) => new Date(r.expiresAt).getTime() > now.getTime());
    },

    /** The team's pending invitations for this email (ids): what a new invitation to it replaces. */
    async pendingInvitationIds(teamId: string, email: string): Promise<string[]> {
      const rows = await db
        .selectFrom("invitation")
        .select("id")
        .where("organizationId", "=", teamId)
        .where("email", "=", email.toLowerCase())
        .where("status", "=", "pending")
        .execute();
      return rows.map((r) => r.id);
    },

    /** Those of `ids` whose invitation is cancelled now. */
    async cancelledInvitationIds(ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom("invitation").select("id").where("id", "in", [...ids]).where("status", "=", "canceled").execute();
      return rows.map((r) => r.id);
    },

    async teamName(teamId: string): Promise<string | null> {
      const row = await db.selectFrom("organization").select("name").where("id", "=", teamId).executeTakeFirst();
      return row?.name ?? null;
    },

    /** Hand-outs of the team's keys per member, key and day since `fromDay` (one member's only when `userId`). */
    async memberUsage(teamId: string, fromDay: string, userId?: string): Promise<MemberUsageRow[]> {
      const rows = await db
        .selectFrom("usage_by_consumer as u")
        .innerJoin("api_keys as k", "k.id", "u.key_id")
        .select(["u.key_id", "k.name", "k.service", "u.consumer", "u.day", "u.count"])
        .where("k.owner_type", "=", "team")
        .where("k.owner_id", "=", teamId)
        .where("u.day", ">=", fromDay)
        .$if(userId === undefined, (q) => q.where("u.consumer", "like", `${MEMBER_PREFIX}%`))
        .$if(userId !== undefined, (q) => q.where("u.consumer", "=", `${MEMBER_PREFIX}${userId}`))
        .orderBy("u.day", "desc")
        .orderBy("k.name")
        .orderBy("u.consumer")
        .execute();
      return rows.map((r) => ({
        keyId: r.key_id,
        keyName: r.name,
        service: r.service,
        userId: r.consumer.slice(MEMBER_PREFIX.length),
        day: r.day,
        count: Number(r.count),
      }));
    },

    /** Names and emails of these users (those still there). */
    async usersByIds(ids: readonly string[]): Promise<Map<string, { name: string; email: string }>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom("user").select(["id", "name", "email"]).where("id", "in", [...ids]).execute();
      return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
    },

    /**
     * Inside a transaction: deletes every key of a team and what hangs on them (previous values,
     * usage rows, the team's data keys). Returns the keys deleted (id and name, for the audit).
     */
    async deleteTeamKeys(tx: Transaction<Database>, teamId: string): Promise<{ id: string; name: string }[]> {
      const teamKeys = () => tx.selectFrom("api_keys").select("id").where("owner_type", "=", "team").where("owner_id", "=", teamId);
      const keys = await tx.selectFrom("api_keys").select(["id", "name"]).where("owner_type", "=", "team").where("owner_id", "=", teamId).execute();
      // Subqueries, not id lists: a team with thousands of keys stays one statement each.
      await tx.deleteFrom("usage_by_consumer").where("key_id", "in", teamKeys()).execute();
      await tx.deleteFrom("api_key_versions").where("key_id", "in", teamKeys()).execute();
      await tx.deleteFrom("usage_daily").where("owner_type", "=", "team").where("owner_id", "=", teamId).execute();
      await tx.deleteFrom("api_keys").where("owner_type", "=", "team").where("owner_id", "=", teamId).execute();
      await tx.deleteFrom("data_keys").where("owner_type", "=", "team").where("owner_id", "=", teamId).execute();
      return keys;
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
export type TeamStoreDb = Db;
