/**
 * Hand-out benchmark: the library's public `getApiKey` (from `createKeyhaven`, usage counting on,
 * batched as shipped) against a FLOOR measured in the same run on the same data: one hand-written
 * indexed SELECT (better-sqlite3 prepared statement on the same file / a plain `pg` query) plus
 * one AES-256-GCM decrypt with an already-unwrapped data key.
 *
 *   npx tsx bench/handout.ts [--db sqlite|postgres|both] [--quick]
 *       [--small 1000] [--large 1000000] [--targets 100] [--seconds 8] [--concurrency 16] [--pg-url postgres://…]
 *
 * Sequential awaits (how an application calls it); for PostgreSQL also a concurrent variant.
 * With more than 10,000 seeded users (1M keys: 100,000), getApiKey for any of them is compared
 * with getApiKey for the target users, alternating in the same run (target ≥ 0.7).
 * The last lines are the ratios, each marked PASS/FAIL against its target (--quick: not enforced).
 * Exit code 1 when a full-size target fails.
 */
import os from "node:os";
import SQLite from "better-sqlite3";
import pg from "pg";
import { unwrapDataKey } from "../src/crypto/data-key.js";
import type { MasterKeyring } from "../src/crypto/master-keyring.js";
import { decryptSecret } from "../src/crypto/secret-box.js";
import { createKeyhaven, type Keyhaven } from "../src/index.js";
import {
  createBenchDatabase,
  dropOnSignal,
  fmtInt,
  fmtKeys,
  intFlag,
  machineLine,
  parseFlags,
  ratioLine,
  type BenchDatabase,
  type BenchDialect,
  type Verdict,
} from "./lib/common.js";
import { alternate, row, shuffled, type Measured } from "./lib/measure.js";
import { seedKeys, type HandoutTarget } from "./seed.js";

type Op = (t: HandoutTarget) => Promise<string | undefined>;

interface Floor {
  op: Op;
  /** PostgreSQL: the same query on a pool, for the concurrent variant. */
  concurrentOp?: Op;
  close(): Promise<void>;
}

/** The hand-written query: same filter and order as the hand-out, no join (the data key is already unwrapped). */
const FLOOR_SQL = {
  sqlite:
    "select id, data_key_id, encrypted_value, config, version from api_keys where owner_type = 'user' and owner_id = ? and service = ? " +
    "and is_active = 1 and (expires_at is null or expires_at > ?) order by is_default desc, updated_at desc, id desc limit 1",
  postgres:
    "select id, data_key_id, encrypted_value, config, version from api_keys where owner_type = 'user' and owner_id = $1 and service = $2 " +
    "and is_active = 1 and (expires_at is null or expires_at > $3) order by is_default desc, updated_at desc, id desc limit 1",
};

interface FloorRow {
  id: string;
  data_key_id: string;
  encrypted_value: string;
  config: string;
  version: number;
}

/** Data keys of the target owners, unwrapped once up front: the floor never unwraps. */
async function unwrapTargetDeks(
  targets: HandoutTarget[],
  keyring: MasterKeyring,
  fetchWrapped: (ids: string[]) => Promise<{ id: string; owner_id: string; wrapped_key: string }[]>,
): Promise<Map<string, Buffer>> {
  const ids = [...new Set(targets.map((t) => t.dataKeyId))];
  const deks = new Map<string, Buffer>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await fetchWrapped(ids.slice(i, i + 500))) {
      deks.set(r.id, unwrapDataKey(keyring, { type: "user", id: r.owner_id }, r.wrapped_key));
    }
  }
  return deks;
}

function openFloor(row: FloorRow | undefined, t: HandoutTarget, deks: Map<string, Buffer>): string | undefined {
  if (!row) return undefined;
  const dek = deks.get(row.data_key_id);
  if (!dek) throw new Error("floor: data key not unwrapped");
  // The config is parsed (and bound) as the hand-out does: the floor does the same work.
  const binding = { keyId: row.id, owner: { type: "user" as const, id: t.userId }, service: t.service, version: row.version, config: JSON.parse(row.config) as unknown };
  return decryptSecret(dek, binding, row.encrypted_value);
}

/** Every owner's data key, unwrapped up front (for the floor over any owner). */
function unwrapAll(rows: { id: string; owner_id: string; wrapped_key: string }[], keyring: MasterKeyring): Map<string, Buffer> {
  return new Map(rows.map((r) => [r.id, unwrapDataKey(keyring, { type: "user", id: r.owner_id }, r.wrapped_key)]));
}

const ALL_DATA_KEYS = "select id, owner_id, wrapped_key from data_keys";

/** `everyOwner`: unwrap every owner's data key, not only the targets' (the floor then serves any owner). */
async function sqliteFloor(db: BenchDatabase, targets: HandoutTarget[], keyring: MasterKeyring, everyOwner: boolean): Promise<Floor> {
  const conn = new SQLite(db.sqliteFile, { readonly: true });
  const stmt = conn.prepare(FLOOR_SQL.sqlite);
  type Wrapped = { id: string; owner_id: string; wrapped_key: string };
  const deks = everyOwner
    ? unwrapAll(conn.prepare(ALL_DATA_KEYS).all() as Wrapped[], keyring)
    : await unwrapTargetDeks(targets, keyring, async (ids) =>
        conn.prepare(`select id, owner_id, wrapped_key from data_keys where id in (${ids.map(() => "?").join(",")})`).all(ids) as Wrapped[],
      );
  return {
    op: async (t) => openFloor(stmt.get(t.userId, t.service, new Date().toISOString()) as FloorRow | undefined, t, deks),
    close: async () => {
      conn.close();
    },
  };
}

async function postgresFloor(db: BenchDatabase, targets: HandoutTarget[], keyring: MasterKeyring, poolSize: number, everyOwner: boolean): Promise<Floor> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  const pool = new pg.Pool({ connectionString: db.databaseUrl, max: poolSize });
  const deks = everyOwner
    ? unwrapAll((await client.query<{ id: string; owner_id: string; wrapped_key: string }>(ALL_DATA_KEYS)).rows, keyring)
    : await unwrapTargetDeks(targets, keyring, async (ids) =>
        (await client.query<{ id: string; owner_id: string; wrapped_key: string }>("select id, owner_id, wrapped_key from data_keys where id = any($1)", [ids])).rows,
      );
  const run = (q: pg.Client | pg.Pool) => async (t: HandoutTarget) =>
    openFloor((await q.query<FloorRow>(FLOOR_SQL.postgres, [t.userId, t.service, new Date().toISOString()])).rows[0], t, deks);
  return {
    op: run(client),
    concurrentOp: run(pool),
    close: async () => {
      await client.end();
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------- measuring

/**
 * Floor and subject alternate in `rounds` slices, so drift on a shared 2-core box hits both alike.
 * `subjectPairs`: what the subject runs over, when not the floor's pairs.
 */
async function compare(floor: Op, subject: Op, pairs: HandoutTarget[], totalMs: number, rounds: number, workers = 1, subjectPairs = pairs) {
  const [f, s] = await alternate(
    [
      { op: floor, inputs: pairs },
      { op: subject, inputs: subjectPairs },
    ],
    totalMs,
    rounds,
    workers,
  );
  return { floor: f, subject: s };
}

// ---------------------------------------------------------------- one database × one size

interface CaseResult {
  dialect: BenchDialect;
  keys: number;
  seq: { floor: Measured; subject: Measured };
  conc?: { floor: Measured; subject: Measured; workers: number };
  /** getApiKey over any of all seeded owners against getApiKey over the (cached) target owners. */
  many?: { cached: Measured; any: Measured; owners: number; floorTargets: Measured; floorAny: Measured };
}

async function runCase(
  dialect: BenchDialect,
  keys: number,
  /** `ms`: measured time per variant (sequential); the concurrent variant gets half, the "any owner" line a quarter. */
  opts: { pgUrl: string; quick: boolean; ms: number; concurrency: number; targets: number; track: (d: BenchDatabase | undefined) => void },
): Promise<CaseResult> {
  const db = await createBenchDatabase(dialect, opts.pgUrl, "handout");
  opts.track(db);
  let keyhaven: Keyhaven | undefined;
  let floor: Floor | undefined;
  try {
    const seedRuntime = await db.runtime();
    // The same number of target users at every size: only the table size differs between 1k and
    // 1M (the usage flush, for one, costs per distinct key used, not per key stored).
    const seed = await seedKeys({ db, runtime: seedRuntime, keys, targetUsers: opts.targets, label: `${dialect} ${fmtKeys(keys)}`, progress: true });
    const keyring = seedRuntime.keyring;
    await seedRuntime.close();

    // The real public entry point, opened the way an application opens it.
    keyhaven = await createKeyhaven({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, masterKey: db.masterKey });
    const provider = keyhaven.apiKeyProvider;
    const manyOwners = seed.users > 10_000;
    floor =
      dialect === "sqlite"
        ? await sqliteFloor(db, seed.targets, keyring, manyOwners)
        : await postgresFloor(db, seed.targets, keyring, 10, manyOwners);

    const subject: Op = (t) => provider.getApiKey(t.userId, t.service);
    let handedOut = 0;
    const counted: Op = async (t) => {
      const v = await subject(t);
      handedOut++;
      return v;
    };

    // Both must hand out exactly the key the resolution rules pick (and this warms every data key).
    for (const t of seed.targets) {
      const [f, s] = [await floor.op(t), await counted(t)];
      if (f !== t.value || s !== t.value) throw new Error(`wrong hand-out for a ${t.service} target (floor ${f === t.value}, getApiKey ${s === t.value})`);
    }
    const pairs = shuffled(seed.targets);
    console.log(
      `\n${dialect} · ${fmtInt(seed.keys)} keys, ${fmtInt(seed.users)} users (seeded in ${seed.seconds.toFixed(1)} s) · ` +
        `${fmtInt(new Set(pairs.map((p) => p.userId)).size)} target users × 5 services, random order`,
    );
    await compare(floor.op, counted, pairs, opts.quick ? 100 : 1500, 2); // warm-up (JIT, caches, pools)

    const seq = await compare(floor.op, counted, pairs, opts.ms, opts.quick ? 2 : 4);
    console.log(row("floor (indexed SELECT + AES-GCM)", seq.floor));
    console.log(row("getApiKey, sequential awaits", seq.subject));

    let conc: CaseResult["conc"];
    if (dialect === "postgres" && floor.concurrentOp) {
      const c = await compare(floor.concurrentOp, counted, pairs, opts.ms / 2, 2, opts.concurrency);
      conc = { ...c, workers: opts.concurrency };
      console.log(row(`floor, ${opts.concurrency} concurrent (pool of 10)`, c.floor));
      console.log(row(`getApiKey, ${opts.concurrency} concurrent`, c.subject));
    }

    // Owners drawn from all seeded users (100,000 at 1M keys), far more than the target users:
    // more than the data-key cache holds (50,000), rows spread over the whole table, and nearly
    // every hand-out a key the usage flush has not seen in its interval. Alternates with the
    // target owners (data keys cached, rows in SQLite's page cache) in the same run.
    // The floor over the same owners (information): what spreading the reads over the whole
    // table costs by itself, with no data key to unwrap and no usage to write.
    let many: CaseResult["many"];
    if (manyOwners) {
      const any = shuffled(seed.userIds.map((userId, i) => ({ ...seed.targets[0], userId, service: seed.targets[i % 5].service })));
      const m = await compare(counted, counted, pairs, opts.ms / 2, opts.quick ? 2 : 4, 1, any);
      const f = await compare(floor.op, floor.op, pairs, opts.ms / 4, 2, 1, any);
      many = { cached: m.floor, any: m.subject, owners: seed.users, floorTargets: f.floor, floorAny: f.subject };
      console.log(row("getApiKey, the target owners (cached)", m.floor));
      console.log(row(`getApiKey, any of ${fmtInt(seed.users)} owners`, m.subject));
      console.log(row("floor, the target owners (info)", f.floor));
      console.log(row(`floor, any of ${fmtInt(seed.users)} owners (info)`, f.subject));
    }

    await keyhaven.close(); // flushes the batched usage counts
    keyhaven = undefined;
    const recorded = await totalUsage(db);
    console.log(`  usage counted (batched, flushed on close): ${fmtInt(recorded)} of ${fmtInt(handedOut)} hand-outs${recorded === handedOut ? "" : "  ← MISMATCH"}`);
    if (recorded !== handedOut) throw new Error(`usage count mismatch: ${recorded} recorded, ${handedOut} handed out`);
    return { dialect, keys, seq, conc, many };
  } finally {
    await keyhaven?.close().catch(() => {});
    await floor?.close().catch(() => {});
    await db.drop();
    opts.track(undefined);
  }
}

async function totalUsage(db: BenchDatabase): Promise<number> {
  if (db.dialect === "sqlite") {
    const conn = new SQLite(db.sqliteFile, { readonly: true });
    try {
      return Number((conn.prepare("select coalesce(sum(usage_count), 0) as n from api_keys").get() as { n: number }).n);
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string | number }>("select coalesce(sum(usage_count), 0) as n from api_keys")).rows[0].n);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "both" });
  const quick = flags.quick;
  const small = intFlag(flags, "small", quick ? 200 : 1_000);
  const large = intFlag(flags, "large", quick ? 2_000 : 1_000_000);
  // Measured time per variant: full 8 s (4 alternating slices of 2 s), quick 0.5 s.
  const ms = quick ? 500 : intFlag(flags, "seconds", 8) * 1000;
  const concurrency = intFlag(flags, "concurrency", 16);
  const targets = intFlag(flags, "targets", 100);
  // The library reads DATABASE_URL when no databaseUrl is given: SQLite runs must not pick one up.
  delete process.env.DATABASE_URL;

  let current: BenchDatabase | undefined;
  dropOnSignal(() => (current ? [current] : []));
  console.log(`hand-out benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  console.log(`one process: getApiKey and the floor run alternately in the same loop (no server); usage counting on (batched, 1 s flush)`);
  console.log("CPU = this process's CPU time / wall time while measuring (100% = one full core; lower = other load took the core)");

  const results: CaseResult[] = [];
  for (const dialect of flags.dbs) {
    for (const keys of [small, large]) {
      results.push(await runCase(dialect, keys, { pgUrl: flags.pgUrl, quick, ms, concurrency, targets, track: (d) => (current = d) }));
    }
  }

  const verdicts: Verdict[] = [];
  const S = fmtKeys(small);
  const L = fmtKeys(large);
  console.log("");
  for (const r of results) {
    verdicts.push(
      ratioLine(`throughput getApiKey/floor ${r.dialect} ${fmtKeys(r.keys)} sequential`, r.seq.subject.opsPerSec / r.seq.floor.opsPerSec, { op: ">=", value: 0.7 }, quick),
    );
  }
  for (const r of results) {
    if (r.conc) {
      verdicts.push(
        ratioLine(
          `throughput getApiKey/floor ${r.dialect} ${fmtKeys(r.keys)} ${r.conc.workers} concurrent`,
          r.conc.subject.opsPerSec / r.conc.floor.opsPerSec,
          undefined,
          quick,
        ),
      );
    }
  }
  for (const r of results) {
    if (r.many) {
      verdicts.push(
        ratioLine(
          `throughput getApiKey any-of-${fmtInt(r.many.owners)}-owners/cached-owners ${r.dialect} ${fmtKeys(r.keys)}`,
          r.many.any.opsPerSec / r.many.cached.opsPerSec,
          { op: ">=", value: 0.7 },
          quick,
        ),
      );
      verdicts.push(
        ratioLine(
          `throughput floor any-of-${fmtInt(r.many.owners)}-owners/target-owners ${r.dialect} ${fmtKeys(r.keys)}`,
          r.many.floorAny.opsPerSec / r.many.floorTargets.opsPerSec,
          undefined,
          quick,
        ),
      );
    }
  }
  const sqliteLarge = results.find((r) => r.dialect === "sqlite" && r.keys === large);
  if (sqliteLarge) {
    verdicts.push(ratioLine(`p99 getApiKey sqlite ${L}`, sqliteLarge.seq.subject.p99, { op: "<", value: 1, unit: " ms" }, quick, 3));
  }
  for (const dialect of flags.dbs) {
    const s = results.find((r) => r.dialect === dialect && r.keys === small);
    const l = results.find((r) => r.dialect === dialect && r.keys === large);
    if (s && l) {
      verdicts.push(ratioLine(`time(${L})/time(${S}) floor ${dialect}`, l.seq.floor.meanMs / s.seq.floor.meanMs, undefined, quick));
      verdicts.push(ratioLine(`time(${L})/time(${S}) getApiKey ${dialect}`, l.seq.subject.meanMs / s.seq.subject.meanMs, { op: "<=", value: 1.5 }, quick));
    }
  }
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (2 cores)`);
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
