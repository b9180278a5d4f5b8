/** SQL for access tokens. Verification is one lookup by the unique hash. */
import type { Kysely } from "kysely";
import type { NamedQueryRunner, SyncReader } from "../db/connect.js";
import { param, prepareQuery } from "../db/prepared-query.js";
import type { AccessTokenRow, AccessTokensTable, Database } from "../db/schema.js";
import { appendAuditEvents } from "../audit/audit-store.js";
import { executeRowSet } from "../db/row-set.js";
import type { AuditEventInput } from "../audit/audit-types.js";

// ISO-8601 UTC text sorts like time: keep the later of stored and batched last use.
const TOUCH = {
  sqlite:
    "update access_tokens set last_used_at = u.at " +
    "from (select json_extract(value, '$[0]') as id, json_extract(value, '$[1]') as at from json_each(?)) as u " +
    "where access_tokens.id = u.id and (access_tokens.last_used_at is null or access_tokens.last_used_at < u.at)",
  postgres:
    "update access_tokens as t set last_used_at = u.at from unnest($1::text[], $2::text[]) as u(id, at) " +
    "where t.id = u.id and (t.last_used_at is null or t.last_used_at < u.at)",
};

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

    /** Stores a new token and its audit event in one transaction. */
    async insert(row: AccessTokensTable, event: AuditEventInput): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("access_tokens").values(row).execute();
        await appendAuditEvents(trx, [event], row.created_at);
      });
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

    /**
     * Revokes a live token — a user's own (`userId`), or a service token (`userId` null) — and
     * records the event built from it, in one transaction. Undefined when there is no such token.
     */
    async revoke(userId: string | null, id: string, at: string, event: (row: AccessTokenRow) => AuditEventInput): Promise<AccessTokenRow | undefined> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable("access_tokens")
          .set({ revoked_at: at })
          .where("id", "=", id)
          .$if(userId === null, (q) => q.where("kind", "=", "service"))
          .$if(userId !== null, (q) => q.where("user_id", "=", userId!))
          .where("revoked_at", "is", null)
          .returningAll()
          .executeTakeFirst();
        if (row) await appendAuditEvents(trx, [event(row)], at);
        return row;
      });
    },

    /** Writes batched last-use times in one statement, whatever their number; never moves one back. */
    async touch(uses: ReadonlyMap<string, string>): Promise<void> {
      if (uses.size === 0) return;
      await executeRowSet(db, TOUCH, [...uses], 2);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
