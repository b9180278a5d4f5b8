/** SQL for access tokens. Verification is one lookup by the unique hash. */
import type { Kysely } from "kysely";
import type { NamedQueryRunner, SyncReader } from "../db/connect.js";
import { param, prepareQuery } from "../db/prepared-query.js";
import type { AccessTokenRow, AccessTokensTable, Database } from "../db/schema.js";

/** A token as verification reads it: with whether its user's account is disabled now. */
export type VerifiedTokenRow = AccessTokenRow & { user_disabled_at: string | null };

export function createTokenStore(db: Kysely<Database>, opts: { reader?: SyncReader; named?: NamedQueryRunner } = {}) {
  // Compiled once: the lookup runs on every bearer request. The user's disabled mark comes
  // along (a primary-key join) so a token that raced its user's disable is still refused.
  const byHash = prepareQuery<VerifiedTokenRow, "hash">(
    db,
    db
      .selectFrom("access_tokens as t")
      .leftJoin("user as u", "u.id", "t.user_id")
      .selectAll("t")
      .select("u.disabledAt as user_disabled_at")
      .where("t.token_hash", "=", param("hash")),
    { reader: opts.reader, named: opts.named },
  );
  return {
    findByHash: (hash: string) => byHash.first({ hash }),

    async insert(row: AccessTokensTable): Promise<void> {
      await db.insertInto("access_tokens").values(row).execute();
    },

    /** A user's tokens that are not revoked, newest first. */
    listForUser(userId: string): Promise<AccessTokenRow[]> {
      return db
        .selectFrom("access_tokens")
        .selectAll()
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
    },

    /** The instance's service tokens that are not revoked, newest first. */
    listService(): Promise<AccessTokenRow[]> {
      return db
        .selectFrom("access_tokens")
        .selectAll()
        .where("kind", "=", "service")
        .where("revoked_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
    },

    /** Revokes a service token; false when there is no such live service token. */
    async revokeService(id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable("access_tokens")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("kind", "=", "service")
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Revokes a user's own token; false when there is no such live token. */
    async revoke(userId: string, id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable("access_tokens")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Writes batched last-use times; never moves one back. */
    async touch(uses: ReadonlyMap<string, string>): Promise<void> {
      for (const [id, at] of uses) {
        await db
          .updateTable("access_tokens")
          .set({ last_used_at: at })
          .where("id", "=", id)
          .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
          .execute();
      }
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
