import { PostgresAdapter, sql, type Kysely } from "kysely";

/**
 * Teams: better-auth's organization plugin tables (organization, member, invitation and the
 * session's active organization), with the column names and types its generator emits, plus
 * ours: how a team key is shared, which team a user's hand-outs prefer, and the indexes the
 * team hand-out reads (member by user; team keys by owner and service are covered by the
 * existing hand-out index).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? "timestamptz" : "date";

  await db.schema
    .createTable("organization")
    .addColumn("id", "text", (c) => c.notNull().primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("logo", "text")
    .addColumn("createdAt", ts, (c) => c.notNull())
    .addColumn("metadata", "text")
    .execute();

  await db.schema
    .createTable("member")
    .addColumn("id", "text", (c) => c.notNull().primaryKey())
    .addColumn("organizationId", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("userId", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("createdAt", ts, (c) => c.notNull())
    .execute();
  // One membership per person and team: the hand-out joins on it, and a double row would double nothing but confuse roles.
  await db.schema.createIndex("member_org_user_uniq").on("member").columns(["organizationId", "userId"]).unique().execute();
  await db.schema.createIndex("member_user_idx").on("member").columns(["userId", "createdAt"]).execute();

  await db.schema
    .createTable("invitation")
    .addColumn("id", "text", (c) => c.notNull().primaryKey())
    .addColumn("organizationId", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("role", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("expiresAt", ts, (c) => c.notNull())
    .addColumn("createdAt", ts, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .addColumn("inviterId", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .execute();
  await db.schema.createIndex("invitation_org_idx").on("invitation").column("organizationId").execute();
  await db.schema.createIndex("invitation_email_idx").on("invitation").column("email").execute();

  await db.schema.alterTable("session").addColumn("activeOrganizationId", "text").execute();

  // null for personal keys; "use" or "manage" for a team's.
  await db.schema.alterTable("api_keys").addColumn("sharing", "text").execute();

  await db.schema
    .createTable("team_preferences")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("team_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("team_preferences").ifExists().execute();
  await db.schema.alterTable("api_keys").dropColumn("sharing").execute();
  await db.schema.alterTable("session").dropColumn("activeOrganizationId").execute();
  for (const t of ["invitation", "member", "organization"]) await db.schema.dropTable(t).ifExists().execute();
}
