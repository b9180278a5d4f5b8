/**
 * Seeds N API keys fast, through the real schema (the runtime migrates it) and the real
 * encryption: every owner gets its own data key (generateDataKey + wrapDataKey under the
 * runtime's master keyring, exactly what keys/data-key-store.ts stores), every secret is sealed
 * with encryptSecret bound to (key id, owner, service, version 1, config {}). Rows go in as multi-row INSERTs inside
 * large transactions, on a connection of its own:
 *   - SQLite: better-sqlite3 on the same file, 2,000 rows × 15 columns per statement
 *     (30,000 bound parameters, under SQLite's 32,766);
 *   - PostgreSQL: one `pg` client, 4,000 rows × 15 columns per named prepared statement
 *     (60,000 parameters, under 65,535), the next batch encrypted while the last one is written.
 *
 * Layout (the same at every size, so 1k and 1M differ only in table size): `keysPerUser` keys
 * per user (10 by default), round-robin over openai, anthropic, google, groq and xai, i.e. two
 * keys per service. Per (user, service): slot 0 is active and is the default for two users in
 * three; slot 1 is updated later and is, depending on the user, active, switched off, expired or
 * expiring next year. So the hand-out query meets defaults, "most recently updated" picks and
 * rows it must skip. 1,000,000 keys = 100,000 users × 5 services × 2.
 *
 * The benchmark's target users are drawn from the seeded users; for each (target, service) the
 * seed computes which value a correct hand-out returns, and checks a sample of them through the
 * runtime's own key service before returning.
 *
 * Standalone: `npx tsx bench/seed.ts [--keys 1000000] [--db sqlite|postgres|both]` seeds a
 * throw-away database, prints the rate, and drops it.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import SQLite from "better-sqlite3";
import pg from "pg";
import { generateDataKey, wrapDataKey } from "../src/crypto/data-key.js";
import type { MasterKeyring } from "../src/crypto/master-keyring.js";
import { encryptSecret } from "../src/crypto/secret-box.js";
import type { Runtime } from "../src/app/compose.js";
import { maskKeyValue } from "../src/services/masking.js";
import { LIBRARY_ACTOR } from "../src/access/actor.js";
import type { StringServiceId } from "../src/shared/service-ids.js";
import { createBenchDatabase, fmtInt, intFlag, parseFlags, type BenchDatabase } from "./lib/common.js";
import { Progress } from "./lib/progress.js";

export const SEED_SERVICES = ["openai", "anthropic", "google", "groq", "xai"] as const satisfies readonly StringServiceId[];
export type SeedService = (typeof SEED_SERVICES)[number];

/** What a correct hand-out returns for one (user, service). */
export interface HandoutTarget {
  userId: string;
  service: SeedService;
  keyId: string;
  dataKeyId: string;
  value: string;
}

export interface SeedOptions {
  db: BenchDatabase;
  /** An open runtime on `db`: it has migrated the schema and holds the real master keyring. */
  runtime: Runtime;
  /** Total api_keys rows to write. */
  keys: number;
  /** Default 10 (two per service). */
  keysPerUser?: number;
  /** How many users to pick as benchmark targets (spread over the whole id range). Default 1,000. */
  targetUsers?: number;
  /** Progress line on stderr. Default true. */
  progress?: boolean;
  label?: string;
}

export interface SeedResult {
  keys: number;
  users: number;
  dataKeys: number;
  seconds: number;
  /** Every (target user, service) pair with the value a hand-out must return. */
  targets: HandoutTarget[];
  /** All seeded user ids (sorted), e.g. to draw random owners from. */
  userIds: string[];
}

export const API_KEY_COLUMNS = [
  "id",
  "owner_type",
  "owner_id",
  "name",
  "service",
  "description",
  "data_key_id",
  "encrypted_value",
  "masked_value",
  "config",
  "is_active",
  "is_default",
  "expires_at",
  "created_at",
  "updated_at",
] as const;
export const DATA_KEY_COLUMNS = ["id", "owner_type", "owner_id", "generation", "kek_version", "wrapped_key", "created_at"] as const;

const SQLITE_MAX_PARAMS = 32_766;
const PG_MAX_PARAMS = 65_535;
/** Rows per INSERT statement. */
export const SQLITE_ROWS_PER_INSERT = 2_000;
export const PG_ROWS_PER_INSERT = 4_000;
/** Rows per transaction. */
const ROWS_PER_TRANSACTION = 100_000;

const PREFIX: Record<SeedService, string> = { openai: "sk-proj-", anthropic: "sk-ant-api03-", google: "AIza", groq: "gsk_", xai: "xai-" };

/** Random bytes taken from a large pool: one syscall per megabyte instead of one per value. */
export class RandomPool {
  private buf = randomBytes(1 << 20);
  private pos = 0;
  take(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      this.buf = randomBytes(1 << 20);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** `bytes` random bytes as base64url (4/3 as many characters). */
  text(bytes: number): string {
    return this.take(bytes).toString("base64url");
  }
}

export function keyValue(pool: RandomPool, service: SeedService): string {
  // Google keys are "AIza" + exactly 35 characters; the others 48 characters after the prefix.
  return service === "google" ? PREFIX.google + pool.text(27).slice(0, 35) : PREFIX[service] + pool.text(36);
}

export interface KeyState {
  isDefault: boolean;
  isActive: boolean;
  /** "none", "past" or "future". */
  expiry: "none" | "past" | "future";
}

/** The layout rule (see the header comment). */
export function stateOf(userIndex: number, slot: number): KeyState {
  if (slot === 0) return { isDefault: userIndex % 3 !== 0, isActive: true, expiry: "none" };
  switch (userIndex % 4) {
    case 1:
      return { isDefault: false, isActive: false, expiry: "none" };
    case 2:
      return { isDefault: false, isActive: true, expiry: "past" };
    case 3:
      return { isDefault: false, isActive: true, expiry: "future" };
    default:
      return { isDefault: false, isActive: true, expiry: "none" };
  }
}

/** Evenly spread picks: `count` distinct indices in [0, n), shuffled. */
function spreadIndices(n: number, count: number, pool: RandomPool): number[] {
  const k = Math.min(n, count);
  const out: number[] = [];
  const step = n / k;
  for (let i = 0; i < k; i++) out.push(Math.min(n - 1, Math.floor(i * step + (pool.take(4).readUInt32LE(0) / 2 ** 32) * step)));
  for (let i = out.length - 1; i > 0; i--) {
    const j = pool.take(4).readUInt32LE(0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------- writers

interface Writer {
  /** Insert rows (flat parameter arrays); resolves when written (PostgreSQL: may run ahead one batch). */
  dataKeys(params: unknown[], rows: number): Promise<void>;
  apiKeys(params: unknown[], rows: number): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
}

const placeholders = (rows: number, cols: number, numbered: boolean): string => {
  const parts: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(numbered ? `$${n++}` : "?");
    parts.push(`(${row.join(",")})`);
  }
  return parts.join(",");
};

const insertSql = (table: string, cols: readonly string[], rows: number, numbered: boolean) =>
  `insert into ${table} (${cols.join(",")}) values ${placeholders(rows, cols.length, numbered)}`;

function sqliteWriter(file: string): Writer {
  const conn = new SQLite(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma("foreign_keys = ON"); // as the runtime: every api_keys row must point at its data key
  conn.pragma("synchronous = OFF"); // bulk load on a throw-away database; the final checkpoint makes it durable
  conn.pragma("cache_size = -262144"); // 256 MiB for this connection only: random primary-key inserts
  conn.pragma("busy_timeout = 5000");
  const statements = new Map<string, SQLite.Statement>();
  const stmt = (table: string, cols: readonly string[], rows: number) => {
    const key = `${table}:${rows}`;
    let s = statements.get(key);
    if (!s) {
      if (rows * cols.length > SQLITE_MAX_PARAMS) throw new Error(`too many parameters for SQLite (${rows} × ${cols.length})`);
      s = conn.prepare(insertSql(table, cols, rows, false));
      statements.set(key, s);
    }
    return s;
  };
  let inTx = false;
  const begin = () => {
    if (!inTx) {
      conn.exec("begin");
      inTx = true;
    }
  };
  return {
    async dataKeys(params, rows) {
      begin();
      stmt("data_keys", DATA_KEY_COLUMNS, rows).run(params);
    },
    async apiKeys(params, rows) {
      begin();
      stmt("api_keys", API_KEY_COLUMNS, rows).run(params);
    },
    async commit() {
      if (inTx) conn.exec("commit");
      inTx = false;
    },
    async close() {
      if (inTx) conn.exec("rollback");
      // No ANALYZE: the server never runs it on SQLite, so the planner must do without statistics here too.
      conn.pragma("wal_checkpoint(TRUNCATE)");
      conn.close();
    },
  };
}

async function pgWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("set synchronous_commit = off");
  let inTx = false;
  // One write in flight while the caller encrypts the next batch; errors surface on the next call.
  let inFlight: Promise<unknown> = Promise.resolve();
  const run = async (table: string, cols: readonly string[], params: unknown[], rows: number) => {
    if (rows * cols.length > PG_MAX_PARAMS) throw new Error(`too many parameters for PostgreSQL (${rows} × ${cols.length})`);
    await inFlight;
    if (!inTx) {
      await client.query("begin");
      inTx = true;
    }
    inFlight = client.query({ name: `seed_${table}_${rows}`, text: insertSql(table, cols, rows, true), values: params });
  };
  return {
    dataKeys: (params, rows) => run("data_keys", DATA_KEY_COLUMNS, params, rows),
    apiKeys: (params, rows) => run("api_keys", API_KEY_COLUMNS, params, rows),
    async commit() {
      await inFlight;
      if (inTx) await client.query("commit");
      inTx = false;
    },
    async close() {
      try {
        await inFlight;
        if (inTx) await client.query("rollback");
        // Autovacuum would do this within a minute of the load; do it now so plans match a settled database.
        await client.query("analyze data_keys");
        await client.query("analyze api_keys");
      } finally {
        await client.end();
      }
    },
  };
}

// ---------------------------------------------------------------- seed

export async function seedKeys(opts: SeedOptions): Promise<SeedResult> {
  const { db, runtime } = opts;
  const total = opts.keys;
  const perUser = opts.keysPerUser ?? 10;
  const users = Math.ceil(total / perUser);
  const keyring: MasterKeyring = runtime.keyring;
  const pool = new RandomPool();
  const started = performance.now();

  // better-auth-like user ids (32 characters), inserted in id order so the owner index grows at its end.
  const userIds = Array.from({ length: users }, () => pool.text(24)).sort();
  const targetSet = new Set(spreadIndices(users, opts.targetUsers ?? 1000, pool));
  const targetOrder = [...targetSet];
  const targetRows = new Map<number, { keyId: string; dataKeyId: string; service: SeedService; value: string; state: KeyState; updatedAt: string }[]>();

  const rowsPerInsert = db.dialect === "sqlite" ? SQLITE_ROWS_PER_INSERT : PG_ROWS_PER_INSERT;
  const usersPerBatch = Math.max(1, Math.floor(rowsPerInsert / perUser));
  const writer = db.dialect === "sqlite" ? sqliteWriter(db.sqliteFile!) : await pgWriter(db.databaseUrl!);
  const progress = new Progress(`seeding ${opts.label ?? db.dialect}`, total, "keys", opts.progress ?? true);

  const now = Date.now();
  const createdMs = now - 90 * 86_400_000;
  const pastIso = new Date(now - 30 * 86_400_000).toISOString();
  const futureIso = new Date(now + 365 * 86_400_000).toISOString();
  const createdIso = new Date(createdMs).toISOString();
  const kekVersion = keyring.currentVersion;

  let written = 0;
  let sinceCommit = 0;
  try {
    for (let u0 = 0; u0 < users; u0 += usersPerBatch) {
      const u1 = Math.min(users, u0 + usersPerBatch);
      const dkParams: unknown[] = [];
      const akParams: unknown[] = [];
      let akRows = 0;
      for (let u = u0; u < u1; u++) {
        const userId = userIds[u];
        const owner = { type: "user" as const, id: userId };
        const dek = generateDataKey();
        const dataKeyId = `dek_${pool.text(12)}`;
        dkParams.push(dataKeyId, "user", userId, 1, kekVersion, wrapDataKey(keyring, owner, dek), createdIso);
        const count = Math.min(perUser, total - u * perUser);
        const isTarget = targetSet.has(u);
        for (let k = 0; k < count; k++) {
          const service = SEED_SERVICES[k % SEED_SERVICES.length];
          const slot = Math.floor(k / SEED_SERVICES.length);
          const state = stateOf(u, slot);
          const keyId = `key_${pool.text(15)}`;
          const value = keyValue(pool, service);
          // Later slots are updated later, so "most recently updated" is not simply slot 0.
          const updatedAt = new Date(createdMs + slot * 3_600_000 + (u % 1000) * 1000).toISOString();
          akParams.push(
            keyId,
            "user",
            userId,
            `${service} key ${slot + 1}`,
            service,
            null,
            dataKeyId,
            encryptSecret(dek, { keyId, owner, service, version: 1, config: {} }, value),
            maskKeyValue(service, value),
            "{}",
            state.isActive ? 1 : 0,
            state.isDefault ? 1 : 0,
            state.expiry === "past" ? pastIso : state.expiry === "future" ? futureIso : null,
            createdIso,
            updatedAt,
          );
          akRows++;
          if (isTarget) {
            const list = targetRows.get(u) ?? [];
            list.push({ keyId, dataKeyId, service, value, state, updatedAt });
            targetRows.set(u, list);
          }
        }
      }
      await writer.dataKeys(dkParams, u1 - u0);
      if (akRows) await writer.apiKeys(akParams, akRows);
      written += akRows;
      sinceCommit += akRows;
      if (sinceCommit >= ROWS_PER_TRANSACTION) {
        await writer.commit();
        sinceCommit = 0;
      }
      progress.update(written);
    }
    await writer.commit();
  } finally {
    await writer.close();
  }
  const seconds = (performance.now() - started) / 1000;
  progress.finish(written, ` + ${fmtInt(users)} data keys`);

  // What a correct hand-out returns: active, unexpired, default first, then newest update, then id.
  const targets: HandoutTarget[] = [];
  for (const u of targetOrder) {
    for (const service of SEED_SERVICES) {
      const usable = (targetRows.get(u) ?? [])
        .filter((r) => r.service === service && r.state.isActive && r.state.expiry !== "past")
        .sort(
          (a, b) =>
            Number(b.state.isDefault) - Number(a.state.isDefault) ||
            (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0) ||
            (a.keyId < b.keyId ? 1 : -1),
        );
      if (usable[0]) targets.push({ userId: userIds[u], service, keyId: usable[0].keyId, dataKeyId: usable[0].dataKeyId, value: usable[0].value });
    }
  }

  // The seeded rows must be what the real code reads: check a sample through the key service.
  for (const t of targets.slice(0, 25)) {
    const got = await runtime.keys.findUsableKey(LIBRARY_ACTOR, { type: "user", id: t.userId }, t.service);
    if (!got || got.id !== t.keyId || got.value !== t.value) {
      throw new Error(`seed check failed for ${t.service}: the key service handed out ${got ? got.id : "nothing"}, expected ${t.keyId}`);
    }
  }
  return { keys: written, users, dataKeys: users, seconds, targets, userIds };
}

// ---------------------------------------------------------------- standalone

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "sqlite" });
  const keys = intFlag(flags, "keys", flags.quick ? 10_000 : 1_000_000);
  for (const dialect of flags.dbs) {
    const db = await createBenchDatabase(dialect, flags.pgUrl, "seed");
    try {
      const runtime = await db.runtime();
      const r = await seedKeys({ db, runtime, keys, label: dialect });
      console.log(`${dialect}: ${fmtInt(r.keys)} keys over ${fmtInt(r.users)} users in ${r.seconds.toFixed(1)} s (${fmtInt(r.keys / r.seconds)} keys/s)`);
    } finally {
      await db.drop();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
