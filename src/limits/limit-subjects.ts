/**
 * What an alert needs to know of a limit's subject: its name in words, and who sees the alert
 * in the app (a key's owner — a person or a team —, a token's person, a member and their team).
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { LimitSubject } from "./spend-limits.js";

export function createLimitSubjects(db: Kysely<Database>) {
  return {
    async describe(subject: LimitSubject): Promise<string> {
      switch (subject.kind) {
        case "key": {
          const row = await db.selectFrom("api_keys").select("name").where("id", "=", subject.id).executeTakeFirst();
          return row ? `Key “${row.name}”` : "A deleted key";
        }
        case "token": {
          const row = await db.selectFrom("access_tokens").select("name").where("id", "=", subject.id).executeTakeFirst();
          return row ? `Access token “${row.name}”` : "A revoked access token";
        }
        case "member": {
          const user = await db.selectFrom("user").select(["name", "email"]).where("id", "=", subject.userId).executeTakeFirst();
          const team = await db.selectFrom("organization").select("name").where("id", "=", subject.teamId).executeTakeFirst();
          return `${user?.name || user?.email || "A former member"} in team “${team?.name ?? "deleted"}”`;
        }
      }
    },

    async audience(subject: LimitSubject): Promise<{ userId: string | null; teamId: string | null }> {
      switch (subject.kind) {
        case "key": {
          const row = await db.selectFrom("api_keys").select(["owner_type", "owner_id"]).where("id", "=", subject.id).executeTakeFirst();
          if (!row) return { userId: null, teamId: null };
          return row.owner_type === "team" ? { userId: null, teamId: row.owner_id } : { userId: row.owner_id, teamId: null };
        }
        case "token": {
          const row = await db.selectFrom("access_tokens").select("user_id").where("id", "=", subject.id).executeTakeFirst();
          return { userId: row?.user_id ?? null, teamId: null };
        }
        case "member":
          return { userId: subject.userId, teamId: subject.teamId };
      }
    },
  };
}
