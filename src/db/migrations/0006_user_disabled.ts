import type { Kysely } from "kysely";

/**
 * An instance admin can disable an account: `disabledAt` on better-auth's user table (ISO text,
 * null while the account is usable). Sign-in, the session check and bearer verification read it
 * from the row on every request, so a disable is seen by every instance right after its commit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("user").addColumn("disabledAt", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("user").dropColumn("disabledAt").execute();
}
