/**
 * The AWS access keys a rotation put out of use, waiting for deletion at IAM after the grace
 * period (`aws_key_retirements`). Only the old access key id is kept: the deletion is signed
 * with the key's current credentials, read when it runs. A row is claimed with a conditional
 * UPDATE, so with several server instances one of them deletes each old key.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { OwnerRef } from "../access/owner.js";
import type { Selectable } from "kysely";
import { appendAuditEvents } from "../audit/audit-store.js";
import type { AuditEventInput } from "../audit/audit-types.js";
import type { AwsKeyRetirementsTable, Database } from "../db/schema.js";

export type AwsKeyRetirement = Selectable<AwsKeyRetirementsTable>;

const HOUR_MS = 3_600_000;

export function createAwsKeyRetirements(db: Kysely<Database>, now: () => Date = () => new Date()) {
  return {
    /**
     * Schedules `accessKeyId`, once the access key of Keyhaven key `keyId`, for deletion after
     * `graceHours`. The owner is read from the key's own row (key ids are unique), so a
     * rotator needs to know no more than the key id.
     */
    async schedule(keyId: string, accessKeyId: string, graceHours: number): Promise<{ deleteAfter: string }> {
      const at = now();
      const iso = at.toISOString();
      const deleteAfter = new Date(at.getTime() + graceHours * HOUR_MS).toISOString();
      const key = await db.selectFrom("api_keys").select(["owner_type", "owner_id"]).where("id", "=", keyId).executeTakeFirst();
      if (!key) throw new Error("the key is gone");
      await db
        .insertInto("aws_key_retirements")
        .values({
          id: `ret_${randomBytes(12).toString("base64url")}`,
          key_id: keyId,
          owner_type: key.owner_type,
          owner_id: key.owner_id,
          access_key_id: accessKeyId,
          delete_after: deleteAfter,
          status: "pending",
          attempts: 0,
          claimed_until: null,
          last_error: null,
          created_at: iso,
          updated_at: iso,
        })
        .execute();
      return { deleteAfter };
    },

    /** Rows whose time has come: pending and due, or claimed by a sweeper whose claim ran out. */
    async due(limit: number): Promise<AwsKeyRetirement[]> {
      const iso = now().toISOString();
      return db
        .selectFrom("aws_key_retirements")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("delete_after", "<=", iso)]),
            eb.and([eb("status", "=", "deleting"), eb("claimed_until", "<=", iso)]),
          ]),
        )
        .orderBy("delete_after")
        .limit(limit)
        .execute();
    },

    /**
     * Takes `row` for `leaseMs`: true for exactly one caller. The UPDATE applies only while the
     * row is still as it was read (same status and attempts), which a competing claim changes.
     */
    async claim(row: AwsKeyRetirement, leaseMs: number): Promise<boolean> {
      const at = now();
      const result = await db
        .updateTable("aws_key_retirements")
        .set({
          status: "deleting",
          attempts: row.attempts + 1,
          claimed_until: new Date(at.getTime() + leaseMs).toISOString(),
          updated_at: at.toISOString(),
        })
        .where("id", "=", row.id)
        .where("status", "=", row.status)
        .where("attempts", "=", row.attempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** The old key is deleted at IAM: the row goes, its audit event is written in the same transaction. */
    async done(id: string, events: readonly AuditEventInput[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("aws_key_retirements").where("id", "=", id).execute();
        await appendAuditEvents(trx, events, now().toISOString());
      });
    },

    /**
     * Back to pending, to be tried again at `retryAt`, or given up (`failed`) when `retryAt` is
     * null; the failure's audit events in the same transaction.
     */
    async release(id: string, error: string, retryAt: Date | null, events: readonly AuditEventInput[]): Promise<void> {
      const iso = now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("aws_key_retirements")
          .set({
            status: retryAt ? "pending" : "failed",
            ...(retryAt ? { delete_after: retryAt.toISOString() } : {}),
            claimed_until: null,
            last_error: error.slice(0, 200),
            updated_at: iso,
          })
          .where("id", "=", id)
          .execute();
        await appendAuditEvents(trx, events, iso);
      });
    },

    /** Every row of one owner (what is waiting, what failed). */
    async listFor(owner: OwnerRef): Promise<AwsKeyRetirement[]> {
      return db
        .selectFrom("aws_key_retirements")
        .selectAll()
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .orderBy("created_at")
        .execute();
    },
  };
}

export type AwsKeyRetirements = ReturnType<typeof createAwsKeyRetirements>;
