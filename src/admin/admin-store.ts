/**
 * SQL for the instance's accounts as admins see them (better-auth's user table, plus our
 * `disabledAt`). Every read goes to the database: nothing about admins or disabled accounts is
 * kept in memory, so every instance sees a change right after its commit.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  /** ISO text (better-auth keeps a date: text on SQLite, timestamptz on PostgreSQL). */
  createdAt: string;
  disabledAt: string | null;
}

/** A Date (PostgreSQL), ISO text or epoch milliseconds (SQLite) as ISO text. */
const toIso = (v: unknown): string => (v instanceof Date ? v : new Date(typeof v === "number" ? v : String(v))).toISOString();

const COLUMNS = ["id", "email", "name", "createdAt", "disabledAt"] as const;
const toRecord = (r: { id: string; email: string; name: string; createdAt: unknown; disabledAt: string | null }): UserRecord => ({
  ...r,
  createdAt: toIso(r.createdAt),
});

export function createAdminStore(db: Kysely<Database>) {
  return {
    /** Every account, oldest first (an instance has people, not millions: one page). */
    async listUsers(): Promise<UserRecord[]> {
      const rows = await db.selectFrom("user").select(COLUMNS).orderBy("createdAt", "asc").orderBy("id", "asc").execute();
      return rows.map(toRecord);
    },

    async findUser(id: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom("user").select(COLUMNS).where("id", "=", id).executeTakeFirst();
      return row && toRecord(row);
    },

    /** The ids of the accounts with these (lower-cased) emails. */
    async idsByEmail(emails: readonly string[]): Promise<string[]> {
      if (emails.length === 0) return [];
      const rows = await db.selectFrom("user").select("id").where("email", "in", [...emails]).execute();
      return rows.map((r) => r.id);
    },

    /** The first account created (earliest createdAt, then id), if any. */
    async firstUserId(): Promise<string | undefined> {
      const row = await db.selectFrom("user").select("id").orderBy("createdAt", "asc").orderBy("id", "asc").limit(1).executeTakeFirst();
      return row?.id;
    },

    /**
     * Disables (`at`) or re-enables (null) an account. Disabling ends its sessions and revokes
     * its personal access tokens in the same transaction, so no request after the commit gets
     * through with either. False when there is no such account.
     */
    async setDisabled(id: string, at: string | null): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const result = await tx.updateTable("user").set({ disabledAt: at }).where("id", "=", id).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        if (at !== null) {
          await tx.deleteFrom("session").where("userId", "=", id).execute();
          await tx
            .updateTable("access_tokens")
            .set({ revoked_at: at })
            .where("user_id", "=", id)
            .where("revoked_at", "is", null)
            .execute();
        }
        return true;
      });
    },
  };
}

export type AdminStore = ReturnType<typeof createAdminStore>;
