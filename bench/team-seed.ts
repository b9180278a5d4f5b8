/**
 * Seeds users, teams and team keys for bench/team-handout.ts, through the real schema and the
 * real encryption, in bulk SQL (multi-row INSERTs in one transaction, on a connection of its own).
 *
 * Layout for `users` users, `teams` teams of `teamSize` members:
 *   - personal (40 % of the users): 10 keys each through `seedKeys` (bench/seed.ts: two per
 *     service over 5 services, defaults, "most recently updated" picks and rows to skip);
 *   - members: teams × teamSize memberships over as many people as that takes when they are in
 *     1, 2 or 3 teams (in turn): one member in five also has personal keys (their own key wins),
 *     the others have none. Half of those in several teams prefer their newest team
 *     (team_preferences), so the preference, not the oldest membership, picks the team;
 *   - neither: the rest, no key and no team (the hand-out falls back to the environment).
 * Every user has a `user` row (member.userId references it). Each team has a data key of its own
 * and 2 keys for each of 3 services (3 of the 5, in turn: a member of one team finds no team key
 * for 2 services), in seed.ts's layout; organization and member `createdAt` are ISO text on SQLite
 * and timestamptz on PostgreSQL, as better-auth writes them.
 *
 * For each target the seed computes the value a correct hand-out returns (user → team → env),
 * and checks a sample of the team ones through the runtime's own key service.
 */
import SQLite from "better-sqlite3";
import pg from "pg";
import { LIBRARY_ACTOR } from "../src/access/actor.js";
import type { Runtime } from "../src/app/compose.js";
import { generateDataKey, wrapDataKey } from "../src/crypto/data-key.js";
import { encryptSecret } from "../src/crypto/secret-box.js";
import { maskKeyValue } from "../src/services/masking.js";
import type { BenchDatabase } from "./lib/common.js";
import { shuffled } from "./lib/measure.js";
import { API_KEY_COLUMNS, DATA_KEY_COLUMNS, keyValue, RandomPool, SEED_SERVICES, seedKeys, stateOf, type HandoutTarget, type KeyState, type SeedService } from "./seed.js";

export interface TeamSeedOptions {
  db: BenchDatabase;
  /** An open runtime on `db` (migrated, with the real master keyring). */
  runtime: Runtime;
  users: number;
  teams: number;
  teamSize: number;
  /** Users per measured group (personal, team, neither). */
  targetUsers: number;
  progress?: boolean;
}

/** What a correct hand-out returns for (user, service), and where it comes from. */
export interface TeamTarget {
  userId: string;
  service: SeedService;
  value: string;
  source: "user" | "team" | "env";
  /** source "team": the team whose key it is. */
  teamId?: string;
}

export interface TeamSeedResult {
  users: number;
  teams: number;
  memberships: number;
  members: number;
  /** Members in several teams who prefer one. */
  preferring: number;
  personalKeys: number;
  teamKeys: number;
  seconds: number;
  /** (a) users with personal keys, (b) members without, handed a team key, (c) neither. */
  personal: TeamTarget[];
  team: TeamTarget[];
  neither: TeamTarget[];
}

/** The environment's fallback values the bench sets (one per seeded service). */
export const envValueFor = (service: SeedService) => `${service}-bench-env-fallback-value`;

const SERVICES_PER_TEAM = 3;
const KEYS_PER_TEAM_SERVICE = 2;
const TEAM_KEY_COLUMNS = [...API_KEY_COLUMNS, "sharing"] as const;

// ---------------------------------------------------------------- bulk writer

interface BulkWriter {
  insert(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
  /** Commits; PostgreSQL: ANALYZEs the tables written (autovacuum would within a minute). */
  close(): Promise<void>;
}

const quoted = (name: string) => `"${name}"`;
const insertSql = (table: string, columns: readonly string[], rows: number, numbered: boolean) => {
  let n = 1;
  const tuple = () => `(${columns.map(() => (numbered ? `$${n++}` : "?")).join(",")})`;
  return `insert into ${quoted(table)} (${columns.map(quoted).join(",")}) values ${Array.from({ length: rows }, tuple).join(",")}`;
};
/** Rows per statement: under each database's limit on bound parameters. */
const rowsPerStatement = (columns: number, maxParams: number) => Math.min(2_000, Math.floor(maxParams / columns));

function sqliteBulk(file: string): BulkWriter {
  const conn = new SQLite(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma("foreign_keys = ON");
  conn.pragma("busy_timeout = 5000");
  conn.exec("begin");
  return {
    async insert(table, columns, rows) {
      const per = rowsPerStatement(columns.length, 32_766);
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        conn.prepare(insertSql(table, columns, chunk.length, false)).run(chunk.flat());
      }
    },
    async close() {
      conn.exec("commit");
      // No ANALYZE: the server never runs it on SQLite.
      conn.pragma("wal_checkpoint(TRUNCATE)");
      conn.close();
    },
  };
}

async function pgBulk(url: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("begin");
  const written = new Set<string>();
  return {
    async insert(table, columns, rows) {
      written.add(table);
      const per = rowsPerStatement(columns.length, 65_535);
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        await client.query(insertSql(table, columns, chunk.length, true), chunk.flat());
      }
    },
    async close() {
      try {
        await client.query("commit");
        for (const table of written) await client.query(`analyze ${quoted(table)}`);
      } finally {
        await client.end();
      }
    },
  };
}

// ---------------------------------------------------------------- seed

interface TeamKeyRow {
  keyId: string;
  value: string;
  state: KeyState;
  updatedAt: string;
}

/** The key a hand-out picks among one owner's keys for a service: usable, default first, newest update, then id. */
function pick(rows: TeamKeyRow[]): TeamKeyRow | undefined {
  return rows
    .filter((r) => r.state.isActive && r.state.expiry !== "past")
    .sort(
      (a, b) =>
        Number(b.state.isDefault) - Number(a.state.isDefault) ||
        (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0) ||
        (a.keyId < b.keyId ? 1 : -1),
    )[0];
}

/** `count` indices spread over [0, n). */
const spread = (n: number, count: number) => Array.from({ length: Math.min(n, count) }, (_, i) => Math.floor((i * n) / Math.min(n, count)));

export async function seedTeams(opts: TeamSeedOptions): Promise<TeamSeedResult> {
  const { db, runtime, teams, teamSize } = opts;
  const started = performance.now();
  const pool = new RandomPool();
  const keyring = runtime.keyring;
  const pgDialect = db.dialect === "postgres";

  // Memberships: people in 1, 2, 3 teams in turn until teams × teamSize seats are taken.
  const seats = teams * teamSize;
  const teamCounts: number[] = [];
  for (let left = seats, i = 0; left > 0; i++) {
    const c = Math.min(1 + (i % 3), left);
    teamCounts.push(c);
    left -= c;
  }
  const members = teamCounts.length;
  const membersWithKeys = Math.floor(members / 5);
  const personalUsers = Math.round(opts.users * 0.4);
  const neitherUsers = opts.users - personalUsers - (members - membersWithKeys);
  if (neitherUsers < 1 || membersWithKeys > personalUsers || teams < SERVICES_PER_TEAM) {
    throw new Error(`${opts.users} users are too few for ${teams} teams of ${teamSize} (members in 1–3 teams) and 40 % with personal keys`);
  }

  // (a) Personal keys through the shared seed (its own data keys and target computation).
  const personal = await seedKeys({ db, runtime, keys: personalUsers * 10, targetUsers: opts.targetUsers, label: `${db.dialect} personal keys`, progress: opts.progress });
  const otherIds = Array.from({ length: opts.users - personalUsers }, () => pool.text(24)).sort();
  const memberOnlyIds = otherIds.slice(0, members - membersWithKeys);
  const neitherIds = otherIds.slice(members - membersWithKeys);
  // Members with personal keys, spread over those users: their own key wins, the team query never runs for them.
  const memberIds = [...spread(personalUsers, membersWithKeys).map((i) => personal.userIds[i]), ...memberOnlyIds];

  const now = Date.now();
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const writer = db.dialect === "sqlite" ? sqliteBulk(db.sqliteFile!) : await pgBulk(db.databaseUrl!);
  let teamKeyCount = 0;
  let preferring = 0;
  // (user → team → env) expectations, built while writing.
  const teamKeys = new Map<string, Map<SeedService, TeamKeyRow[]>>();
  const membershipsOf = new Map<string, { teamId: string; createdAt: string }[]>();
  const preferred = new Map<string, string>();
  try {
    const allIds = [...personal.userIds, ...otherIds];
    const created = iso(now - 120 * day);
    await writer.insert(
      "user",
      ["id", "name", "email", "emailVerified", "createdAt", "updatedAt"],
      allIds.map((id, i) => [id, `Bench user ${i}`, `bench-${i}@example.test`, pgDialect ? true : 1, created, created]),
    );

    const teamIds = Array.from({ length: teams }, () => `org_${pool.text(16)}`);
    await writer.insert(
      "organization",
      ["id", "name", "slug", "createdAt"],
      teamIds.map((id, t) => [id, `Bench team ${t}`, `bench-team-${t}`, iso(now - 100 * day + t * 1000)]),
    );

    // Seat s goes to team s mod teams: a member's 1–3 consecutive seats land in distinct teams,
    // and every team gets exactly teamSize. Members are taken in random order, so a team mixes both kinds.
    const order = shuffled(memberIds.map((id, i) => ({ id, count: teamCounts[i] })));
    const memberRows: unknown[][] = [];
    let seat = 0;
    let multi = 0;
    for (const { id, count } of order) {
      const list: { teamId: string; createdAt: string }[] = [];
      for (let c = 0; c < count; c++, seat++) {
        const teamId = teamIds[seat % teams];
        // Membership times spread over 60 days, random: the oldest is not always the first seat.
        const createdAt = iso(now - 90 * day + Math.floor((pool.take(4).readUInt32LE(0) / 2 ** 32) * 60 * day));
        list.push({ teamId, createdAt });
        memberRows.push([`mem_${pool.text(16)}`, teamId, id, seat < teams ? "owner" : "member", createdAt]);
      }
      membershipsOf.set(id, list);
      if (count > 1 && multi++ % 2 === 0) {
        // The newest membership: a team the oldest-first default would not pick.
        const newest = [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
        preferred.set(id, newest.teamId);
        preferring++;
      }
    }
    await writer.insert("member", ["id", "organizationId", "userId", "role", "createdAt"], memberRows);
    await writer.insert(
      "team_preferences",
      ["user_id", "team_id", "updated_at"],
      [...preferred].map(([userId, teamId]) => [userId, teamId, iso(now - day)]),
    );

    // Team data keys and keys: 3 services per team, 2 keys each, seed.ts's states.
    const dataKeyRows: unknown[][] = [];
    const keyRows: unknown[][] = [];
    const createdMs = now - 90 * day;
    teamIds.forEach((teamId, t) => {
      const owner = { type: "team" as const, id: teamId };
      const dek = generateDataKey();
      const dataKeyId = `dek_${pool.text(12)}`;
      dataKeyRows.push([dataKeyId, "team", teamId, 1, keyring.currentVersion, wrapDataKey(keyring, owner, dek), iso(createdMs)]);
      const byService = new Map<SeedService, TeamKeyRow[]>();
      for (let j = 0; j < SERVICES_PER_TEAM; j++) {
        const service = SEED_SERVICES[(t + j) % SEED_SERVICES.length];
        const rows: TeamKeyRow[] = [];
        for (let slot = 0; slot < KEYS_PER_TEAM_SERVICE; slot++) {
          const state = stateOf(t, slot);
          const keyId = `key_${pool.text(15)}`;
          const value = keyValue(pool, service);
          const updatedAt = iso(createdMs + slot * 3_600_000 + (t % 1000) * 1000);
          const expiresAt = state.expiry === "past" ? iso(now - 30 * day) : state.expiry === "future" ? iso(now + 365 * day) : null;
          keyRows.push([
            keyId,
            "team",
            teamId,
            `${service} team key ${slot + 1}`,
            service,
            null,
            dataKeyId,
            encryptSecret(dek, { keyId, owner, service, version: 1, config: {} }, value),
            maskKeyValue(service, value),
            "{}",
            state.isActive ? 1 : 0,
            state.isDefault ? 1 : 0,
            expiresAt,
            iso(createdMs),
            updatedAt,
            "use",
          ]);
          rows.push({ keyId, value, state, updatedAt });
        }
        byService.set(service, rows);
      }
      teamKeys.set(teamId, byService);
    });
    await writer.insert("data_keys", DATA_KEY_COLUMNS, dataKeyRows);
    await writer.insert("api_keys", TEAM_KEY_COLUMNS, keyRows);
    teamKeyCount = keyRows.length;
  } finally {
    await writer.close();
  }

  /** The team hand-out's answer: preferred team first, then oldest membership (then team id); the first with a usable key. */
  const teamAnswer = (userId: string, service: SeedService): TeamTarget | undefined => {
    const pref = preferred.get(userId);
    const ordered = [...(membershipsOf.get(userId) ?? [])].sort(
      (a, b) =>
        Number(b.teamId === pref) - Number(a.teamId === pref) ||
        (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
        (a.teamId < b.teamId ? -1 : 1),
    );
    for (const m of ordered) {
      const key = pick(teamKeys.get(m.teamId)?.get(service) ?? []);
      if (key) return { userId, service, value: key.value, source: "team", teamId: m.teamId };
    }
    return undefined;
  };

  const toTarget = (t: HandoutTarget): TeamTarget => ({ userId: t.userId, service: t.service, value: t.value, source: "user" });
  const team: TeamTarget[] = [];
  for (const i of spread(memberOnlyIds.length, opts.targetUsers)) {
    for (const service of SEED_SERVICES) {
      const found = teamAnswer(memberOnlyIds[i], service);
      if (found) team.push(found);
    }
  }
  const neither: TeamTarget[] = spread(neitherIds.length, opts.targetUsers).flatMap((i) =>
    SEED_SERVICES.map((service) => ({ userId: neitherIds[i], service, value: envValueFor(service), source: "env" as const })),
  );

  // The seeded rows must be what the real code reads: a sample of team answers through the key service.
  for (const t of team.slice(0, 25)) {
    const got = await runtime.keys.findUsableTeamKey(LIBRARY_ACTOR, t.userId, t.service);
    if (!got || got.teamId !== t.teamId || got.value !== t.value) {
      throw new Error(`team seed check failed for ${t.service}: the key service handed out ${got ? `a key of ${got.teamId === t.teamId ? "the right" : "another"} team` : "nothing"}`);
    }
  }

  return {
    users: opts.users,
    teams,
    memberships: seats,
    members,
    preferring,
    personalKeys: personal.keys,
    teamKeys: teamKeyCount,
    seconds: (performance.now() - started) / 1000,
    personal: personal.targets.map(toTarget),
    team,
    neither,
  };
}
