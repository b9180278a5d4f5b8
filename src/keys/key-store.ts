/**
 * Data access for api_keys. Every query starts from `owned(owner)`, so a row of another
 * owner can never be read, changed or deleted: isolation holds by construction.
 */
import { PostgresAdapter, sql, type Compilable, type Kysely, type Transaction } from "kysely";
import type { NamedQueryRunner, SyncReader } from "../db/connect.js";
import { param, prepareQuery, type PreparedQuery } from "../db/prepared-query.js";
import type { OwnerRef } from "../access/owner.js";
import type { ApiKeyRow, ApiKeyRowUpdate, ApiKeyVersionRow, Database, NewApiKeyRow } from "../db/schema.js";
import { appendAuditEvents } from "../audit/audit-store.js";
import type { AuditEventInput } from "../audit/audit-types.js";
import { wrappedKeyColumn } from "./wrapped-key-column.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface UsableKeyRow {
  id: string;
  service: string;
  data_key_id: string;
  encrypted_value: string;
  config: string;
  /** Bound into the ciphertext with config: read in the same query, never a second one. */
  version: number;
  /**
   * With `withDataKey`: the owner's wrapped data key `data_key_id` names, read in the same query;
   * null when no data key of this owner has that id (a row pointing at another owner's key fails
   * to decrypt). Without: absent.
   */
  wrapped_key?: string | null;
}

/** A team key found for a member: the team it belongs to comes with it. */
export interface UsableTeamKeyRow extends UsableKeyRow {
  team_id: string;
}

/** Where a list page starts: just after this row in the list order (service, created_at desc, id). */
export interface ListPosition {
  service: string;
  created_at: string;
  id: string;
}

export interface ListPageQuery {
  service?: string;
  after?: ListPosition;
  /** Rows to read (the caller asks for one more than it shows, to learn whether a next page exists). */
  limit: number;
}

/** A key the rotation scheduler may rotate: due, active, of a service a rotator supports. */
export interface DueKeyRow {
  id: string;
  owner_type: string;
  owner_id: string;
  service: string;
}

export interface KeyStore {
  transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: hold the owner's key-count lock until it ends, so a count taken
   * after it stays true until the insert commits.
   */
  lockOwner(owner: OwnerRef): Promise<void>;
  /** Inside a transaction: append audit events that commit with its change (audit/audit-store.ts). */
  audit(events: readonly AuditEventInput[], at: string): Promise<void>;
  count(owner: OwnerRef): Promise<number>;
  insert(row: NewApiKeyRow): Promise<ApiKeyRow>;
  find(owner: OwnerRef, id: string): Promise<ApiKeyRow | undefined>;
  /** One page of the owner's keys in the list order of the API (frozen rows while cached). */
  list(owner: OwnerRef, page: ListPageQuery): Promise<ApiKeyRow[]>;
  /**
   * With `ifVersion`, changes the row only while its `version` is still that one (compare and
   * set: a re-sealed secret is written only over the row it was sealed from), else undefined.
   */
  update(owner: OwnerRef, id: string, patch: ApiKeyRowUpdate, opts?: { ifVersion?: number }): Promise<ApiKeyRow | undefined>;
  remove(owner: OwnerRef, id: string): Promise<boolean>;
  clearDefault(owner: OwnerRef, service: string): Promise<void>;
  /**
   * `withDataKey`: read the owner's wrapped data key in the same query (for an owner whose data
   * key is not cached). Without it the query skips the subquery (PostgreSQL plans it on every
   * call: ~25 µs of server time measured).
   */
  findUsable(owner: OwnerRef, service: string, nowIso: string, withDataKey: boolean): Promise<UsableKeyRow | undefined>;
  /**
   * The team hand-out: a usable key of a team `userId` is a member of now (membership joined in
   * the same query, so a member removed by any instance gets nothing after the commit): the
   * preferred team's first, else the oldest membership's; within a team, its default, else the
   * most recently updated. Always with the team's wrapped data key.
   */
  findUsableForMember(userId: string, service: string, nowIso: string): Promise<UsableTeamKeyRow | undefined>;
  /** Who owns the key with this id (any owner): for routes that reach a key by id alone. */
  ownerOf(id: string): Promise<OwnerRef | undefined>;
  /** The owner's key's previous values, newest first (none for a key of another owner). */
  listVersions(owner: OwnerRef, keyId: string): Promise<ApiKeyVersionRow[]>;
  findVersion(owner: OwnerRef, keyId: string, version: number): Promise<ApiKeyVersionRow | undefined>;
  /** Keeps a replaced value (inside the transaction that replaces it). */
  insertVersion(row: ApiKeyVersionRow): Promise<void>;
  /** Deletes all but the `keep` newest previous values of a key. */
  pruneVersions(keyId: string, keep: number): Promise<void>;
  /**
   * Every owner's keys due for rotation (`rotation_due_at <= now`), active, of `services`, not
   * attempted since `retryBefore`: the scheduler's query, the one query not scoped by an owner.
   */
  findDueForRotation(services: readonly string[], nowIso: string, retryBeforeIso: string, limit: number): Promise<DueKeyRow[]>;
  /**
   * Claims a key for an automatic attempt: sets `rotation_attempt_at = now` only while no attempt
   * started since `retryBefore` (null: unconditionally, for a rotation a person asked for).
   * True when this caller has it: one UPDATE, so two instances never both do.
   */
  claimRotation(owner: OwnerRef, id: string, nowIso: string, retryBeforeIso: string | null): Promise<boolean>;
}

/**
 * The hand-out lookup: the owner's active, unexpired key for a service, the default first,
 * else the most recently updated. `withDataKey` (an owner whose unwrapped data key is not
 * cached) adds the wrapped data key, from a correlated subquery on data_keys by id AND owner
 * (a primary-key lookup, evaluated for the one row returned): one unwrap, not a second round
 * trip. `limit 1` is a literal so SQLite can use its top-1 plan.
 */
function handOutQuery(db: Db, withDataKey: boolean) {
  return db
    .selectFrom("api_keys as k")
    .select(["k.id", "k.service", "k.data_key_id", "k.encrypted_value", "k.config", "k.version"])
    .$if(withDataKey, (q) => q.select(wrappedKeyColumn("k.data_key_id")))
    .where("k.owner_type", "=", param("ownerType"))
    .where("k.owner_id", "=", param("ownerId"))
    .where("k.service", "=", param("service"))
    .where("k.is_active", "=", 1)
    .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", param("now"))]))
    .orderBy("k.is_default", "desc")
    .orderBy("k.updated_at", "desc")
    .orderBy("k.id", "desc")
    .limit(sql.lit(1));
}

/**
 * The team hand-out query (see KeyStore.findUsableForMember). Exported for bench/team-handout.ts,
 * which prints its plan (EXPLAIN) on both databases.
 *
 * A CROSS JOIN with the join terms in WHERE, not an INNER JOIN: SQLite keeps the left table of a
 * CROSS JOIN in the outer loop, so it starts from the user's memberships (member_user_idx) and
 * looks up each team's keys by (owner_type, owner_id, service). With an inner join and no
 * statistics (the server never runs ANALYZE) it guessed `owner_type = 'team'` to be ~10 rows and
 * read every team key of the instance per hand-out, member or not: ~1.5 ms at 6,000 team keys
 * against ~35 µs (bench/team-handout.ts). PostgreSQL plans both spellings alike.
 */
export function teamHandOutQuery(db: Db) {
  return db
    .selectFrom("member as m")
    .crossJoin("api_keys as k")
    .leftJoin("team_preferences as p", "p.user_id", "m.userId")
    .select(["k.id", "k.service", "k.data_key_id", "k.encrypted_value", "k.config", "k.version", "k.owner_id as team_id"])
    .select(wrappedKeyColumn("k.data_key_id"))
    .where("m.userId", "=", param("userId"))
    .where("k.owner_type", "=", "team")
    .whereRef("k.owner_id", "=", "m.organizationId")
    .where("k.service", "=", param("service"))
    .where("k.is_active", "=", 1)
    .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", param("now"))]))
    .orderBy(sql`case when p.team_id = m."organizationId" then 0 else 1 end`)
    .orderBy("m.createdAt")
    .orderBy("m.organizationId")
    .orderBy("k.is_default", "desc")
    .orderBy("k.updated_at", "desc")
    .orderBy("k.id", "desc")
    .limit(sql.lit(1));
}

/**
 * A page of the owner's keys (optionally of one service) in the list order of the API, starting
 * after a position when `after` is set: a keyset over exactly the ORDER BY, so pages cost the
 * same wherever they start and a key added or removed meanwhile never shifts a later page.
 */
function listQuery(db: Db, byService: boolean, after: boolean) {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("owner_type", "=", param("ownerType"))
    .where("owner_id", "=", param("ownerId"))
    .$if(byService, (q) => q.where("service", "=", param("service")))
    .$if(after, (q) =>
      q.where((eb) =>
        eb.or([
          eb("service", ">", param("afterService")),
          eb.and([
            eb("service", "=", param("afterService")),
            eb.or([
              eb("created_at", "<", param("afterCreatedAt")),
              eb.and([eb("created_at", "=", param("afterCreatedAt")), eb("id", ">", param("afterId"))]),
            ]),
          ]),
        ]),
      ),
    )
    .orderBy("service")
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(param("limit") as unknown as number);
}

type ListParams = "ownerType" | "ownerId" | "service" | "afterService" | "afterCreatedAt" | "afterId" | "limit";

/** Owners (× service filter) whose last key list is kept, on SQLite. */
const LIST_CACHE_SIZE = 1000;

export interface KeyStoreOptions {
  /** SQLite's synchronous read-only connection (DatabaseHandle.reader) for the hot reads. */
  reader?: SyncReader;
  /** PostgreSQL's named prepared statements (DatabaseHandle.named) for the hand-out and the list. */
  named?: NamedQueryRunner;
}

export function createKeyStore(db: Db, opts: KeyStoreOptions = {}): KeyStore {
  // Compiled once per store, on first use: rebuilding a query per call cost more than running it.
  // [without, with] the wrapped data key.
  const handOut: Array<PreparedQuery<UsableKeyRow, "ownerType" | "ownerId" | "service" | "now"> | undefined> = [undefined, undefined];
  let teamHandOut: PreparedQuery<UsableTeamKeyRow, "userId" | "service" | "now"> | undefined;
  // By [service filter][after a position]: four shapes, each compiled once.
  const lists = new Map<string, PreparedQuery<ApiKeyRow, ListParams>>();
  // Lists are read far more often than keys change: reuse an answer while the database is unchanged.
  const listOptions = { reader: opts.reader, cacheSize: LIST_CACHE_SIZE, named: opts.named };
  const owned = (owner: OwnerRef) =>
    db.selectFrom("api_keys").where("owner_type", "=", owner.type).where("owner_id", "=", owner.id);
  // Versions are reached through their key, so the owner scoping holds for them too.
  const versionsOf = (owner: OwnerRef, keyId: string) =>
    db
      .selectFrom("api_key_versions as v")
      .innerJoin("api_keys as k", "k.id", "v.key_id")
      .selectAll("v")
      .where("k.owner_type", "=", owner.type)
      .where("k.owner_id", "=", owner.id)
      .where("v.key_id", "=", keyId);

  return {
    /** Run `fn` with a store bound to one transaction. */
    transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(createKeyStore(db));
      return db.transaction().execute((trx) => fn(createKeyStore(trx)));
    },

    /** Appends audit events inside this store's transaction: they commit with its change, or not at all. */
    async audit(events: readonly AuditEventInput[], at: string): Promise<void> {
      if (!db.isTransaction) throw new Error("audit events of a change are written inside its transaction");
      await appendAuditEvents(db as Transaction<Database>, events, at);
    },

    async lockOwner(owner: OwnerRef): Promise<void> {
      // PostgreSQL (READ COMMITTED): two transactions could both count 499 and both insert.
      // A transaction-scoped advisory lock on the owner serializes them (the second counts after
      // the first commits) without touching a row another feature owns (data_keys) and without
      // needing one to exist; a hash collision between owners only makes them wait for each other.
      // SQLite needs none: Kysely runs a transaction on its one connection, so nothing else in
      // this process writes in between, and another process's commit in between makes our
      // write fail (WAL snapshot) rather than pass the limit.
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`select pg_advisory_xact_lock(hashtextextended(${`keyhaven:api-keys:${owner.type}:${owner.id}`}, 0))`.execute(db);
    },

    async count(owner: OwnerRef): Promise<number> {
      const row = await owned(owner).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insert(row: NewApiKeyRow): Promise<ApiKeyRow> {
      await db.insertInto("api_keys").values(row).execute();
      return await owned({ type: row.owner_type as OwnerRef["type"], id: row.owner_id })
        .selectAll()
        .where("id", "=", row.id)
        .executeTakeFirstOrThrow();
    },

    find(owner: OwnerRef, id: string): Promise<ApiKeyRow | undefined> {
      return owned(owner).selectAll().where("id", "=", id).executeTakeFirst();
    },

    list(owner: OwnerRef, page: ListPageQuery): Promise<ApiKeyRow[]> {
      const { service, after, limit } = page;
      const shape = `${service ? "s" : ""}${after ? "a" : ""}`;
      let query = lists.get(shape);
      if (!query) {
        query = prepareQuery<ApiKeyRow, ListParams>(db, listQuery(db, Boolean(service), Boolean(after)), listOptions);
        lists.set(shape, query);
      }
      // Values a shape does not use are ignored (prepareQuery fills only its own placeholders).
      return query.all({
        ownerType: owner.type,
        ownerId: owner.id,
        service,
        afterService: after?.service,
        afterCreatedAt: after?.created_at,
        afterId: after?.id,
        limit,
      });
    },

    async update(owner: OwnerRef, id: string, patch: ApiKeyRowUpdate, opts = {}): Promise<ApiKeyRow | undefined> {
      const { ifVersion } = opts;
      const res = await db
        .updateTable("api_keys")
        .set(patch)
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "=", id)
        .$if(ifVersion !== undefined, (q) => q.where("version", "=", ifVersion!))
        .executeTakeFirst();
      if (ifVersion !== undefined && Number(res.numUpdatedRows) === 0) return undefined;
      return owned(owner).selectAll().where("id", "=", id).executeTakeFirst();
    },

    async remove(owner: OwnerRef, id: string): Promise<boolean> {
      const res = await db
        .deleteFrom("api_keys")
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    // Leaves updated_at alone: losing the default flag must not make a key "most recently updated".
    async clearDefault(owner: OwnerRef, service: string): Promise<void> {
      await db
        .updateTable("api_keys")
        .set({ is_default: 0 })
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("service", "=", service)
        .where("is_default", "=", 1)
        .execute();
    },

    findUsable(owner: OwnerRef, service: string, nowIso: string, withDataKey: boolean): Promise<UsableKeyRow | undefined> {
      const i = withDataKey ? 1 : 0;
      const query = (handOut[i] ??= prepareQuery(db, handOutQuery(db, withDataKey) as Compilable<UsableKeyRow>, { reader: opts.reader, named: opts.named }));
      return query.first({ ownerType: owner.type, ownerId: owner.id, service, now: nowIso });
    },

    findUsableForMember(userId: string, service: string, nowIso: string): Promise<UsableTeamKeyRow | undefined> {
      teamHandOut ??= prepareQuery(db, teamHandOutQuery(db) as Compilable<UsableTeamKeyRow>, { reader: opts.reader, named: opts.named });
      return teamHandOut.first({ userId, service, now: nowIso });
    },

    async ownerOf(id: string): Promise<OwnerRef | undefined> {
      const row = await db.selectFrom("api_keys").select(["owner_type", "owner_id"]).where("id", "=", id).executeTakeFirst();
      return row ? { type: row.owner_type as OwnerRef["type"], id: row.owner_id } : undefined;
    },

    listVersions(owner: OwnerRef, keyId: string): Promise<ApiKeyVersionRow[]> {
      return versionsOf(owner, keyId).orderBy("v.version", "desc").execute();
    },

    findVersion(owner: OwnerRef, keyId: string, version: number): Promise<ApiKeyVersionRow | undefined> {
      return versionsOf(owner, keyId).where("v.version", "=", version).executeTakeFirst();
    },

    async insertVersion(row: ApiKeyVersionRow): Promise<void> {
      await db.insertInto("api_key_versions").values(row).execute();
    },

    async pruneVersions(keyId: string, keep: number): Promise<void> {
      const kept = await db
        .selectFrom("api_key_versions")
        .select("version")
        .where("key_id", "=", keyId)
        .orderBy("version", "desc")
        .limit(keep)
        .execute();
      if (kept.length < keep) return;
      await db.deleteFrom("api_key_versions").where("key_id", "=", keyId).where("version", "<", kept[kept.length - 1].version).execute();
    },

    findDueForRotation(services: readonly string[], nowIso: string, retryBeforeIso: string, limit: number): Promise<DueKeyRow[]> {
      if (services.length === 0) return Promise.resolve([]);
      return db
        .selectFrom("api_keys")
        .select(["id", "owner_type", "owner_id", "service"])
        .where("rotation_due_at", "<=", nowIso)
        .where("service", "in", [...services])
        .where("is_active", "=", 1)
        .where((eb) => eb.or([eb("rotation_attempt_at", "is", null), eb("rotation_attempt_at", "<", retryBeforeIso)]))
        .orderBy("rotation_due_at")
        .limit(limit)
        .execute();
    },

    async claimRotation(owner: OwnerRef, id: string, nowIso: string, retryBeforeIso: string | null): Promise<boolean> {
      const res = await db
        .updateTable("api_keys")
        .set({ rotation_attempt_at: nowIso })
        .where("owner_type", "=", owner.type)
        .where("owner_id", "=", owner.id)
        .where("id", "=", id)
        .$if(retryBeforeIso !== null, (q) =>
          q.where((eb) => eb.or([eb("rotation_attempt_at", "is", null), eb("rotation_attempt_at", "<", retryBeforeIso!)])),
        )
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}
