/**
 * Team hand-out benchmark: the library's public `getApiKey` (from `createKeyhaven`, usage counting
 * on, batched as shipped) for three kinds of users on the same database, alternating in the same run:
 *   (a) users with a personal key — the floor: one indexed lookup + one decrypt;
 *   (b) members without a personal key, handed a key of one of their teams — the personal query
 *       misses, then the team query (member ⋈ api_keys ⋈ team_preferences) finds it;
 *   (c) users with neither — both queries miss, the environment's value is handed out.
 * The team query's plan (EXPLAIN, with the values of a real member) is printed once per database
 * and checked for the indexes it should read (member_user_idx, api_keys_handout_idx).
 *
 *   npx tsx bench/team-handout.ts [--db sqlite|postgres|both] [--quick]
 *       [--users 10000] [--teams 1000] [--team-size 10] [--targets 100] [--seconds 8] [--pg-url postgres://…]
 *
 * Target: (b) ≥ 0.5× (a)'s throughput. The last lines are the ratios, marked PASS/FAIL
 * (--quick: not enforced). Exit code 1 when a full-size target or the index check fails.
 */
import os from "node:os";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { Runtime } from "../src/app/compose.js";
import { param } from "../src/db/prepared-query.js";
import { createKeyhaven, type Keyhaven } from "../src/index.js";
import { teamHandOutQuery } from "../src/keys/key-store.js";
import { getService } from "../src/services/index.js";
import { createBenchDatabase, dropOnSignal, fmtInt, fmtMs, intFlag, machineLine, parseFlags, ratioLine, type BenchDatabase, type BenchDialect, type Verdict } from "./lib/common.js";
import { alternate, row, shuffled, type Measured } from "./lib/measure.js";
import { SEED_SERVICES } from "./seed.js";
import { envValueFor, seedTeams, type TeamSeedResult, type TeamTarget } from "./team-seed.js";

/**
 * What the team query must read, so its cost does not grow with the instance: the user's
 * memberships through member_user_idx (0010_teams.ts), then each team's keys by (owner_type,
 * owner_id, service) through an api_keys index that starts with those columns — the hand-out
 * index or the (owner, service, name) unique one, which serve that lookup alike — and no full scan.
 */
const MEMBER_INDEX = "member_user_idx";
const KEY_INDEXES = ["api_keys_handout_idx", "api_keys_owner_service_name_uq"];
/** Tables a full scan of which would make the hand-out cost grow with the instance. */
const HOT_TABLES = ["member", "api_keys", "data_keys", "team_preferences", "organization"];

// ---------------------------------------------------------------- the plan

interface Plan {
  /** The plans printed (PostgreSQL: the custom plan and the generic one a named statement may switch to). */
  text: string;
  indexes: string[];
  /** The api_keys indexes looked up by owner_type, owner_id and service together (not by a prefix). */
  keyLookups: string[];
  fullScans: string[];
}

/** The team query's SQL and its parameters for one member and service. */
function teamQueryFor(runtime: Runtime, t: TeamTarget): { sql: string; parameters: unknown[] } {
  const compiled = teamHandOutQuery(runtime.database.db).compile();
  const values: Record<string, unknown> = { userId: t.userId, service: t.service, now: new Date().toISOString() };
  const parameters = compiled.parameters.map((p) => {
    const name = Object.keys(values).find((n) => p === param(n));
    return name ? values[name] : p;
  });
  return { sql: compiled.sql, parameters };
}

function sqlitePlan(db: BenchDatabase, query: { sql: string; parameters: unknown[] }): Plan {
  const conn = new SQLite(db.sqliteFile, { readonly: true });
  try {
    const rows = conn.prepare(`explain query plan ${query.sql}`).all(query.parameters) as { id: number; parent: number; detail: string }[];
    const depth = new Map<number, number>([[0, 0]]);
    const lines = rows.map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d)}${r.detail}`;
    });
    const indexes = rows.flatMap((r) => [...r.detail.matchAll(/USING (?:COVERING |PRIMARY KEY|INTEGER PRIMARY KEY)?\s*INDEX (\S+)/g)].map((m) => m[1]));
    const keyLookups = rows.flatMap((r) => /^SEARCH k USING (?:COVERING )?INDEX (\S+) \(owner_type=\? AND owner_id=\? AND service=\?/.exec(r.detail)?.[1] ?? []);
    // "SCAN t" alone reads the whole table; "SCAN t USING INDEX i" the whole index: both grow with the instance.
    const fullScans = rows.map((r) => /^SCAN (\S+)(?: AS (\S+))?/.exec(r.detail)).flatMap((m) => (m ? [m[0]] : []));
    return { text: `EXPLAIN QUERY PLAN\n${lines.join("\n")}`, indexes, keyLookups, fullScans };
  } finally {
    conn.close();
  }
}

async function postgresPlan(db: BenchDatabase, query: { sql: string; parameters: unknown[] }): Promise<Plan> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    const explain = async (text: string, values: unknown[]) => (await client.query<{ "QUERY PLAN": string }>(text, values)).rows.map((r) => `  ${r["QUERY PLAN"]}`);
    const custom = await explain(`explain (analyze, costs off, timing off, summary off) ${query.sql}`, query.parameters);
    // The library runs it as a named prepared statement: after five runs PostgreSQL may switch to
    // its generic plan (no values known), so that is the plan to check too.
    await client.query(`prepare kh_team_plan as ${query.sql}`);
    await client.query("set plan_cache_mode = force_generic_plan");
    // EXECUTE takes no bound parameters inside EXPLAIN: the values go in as literals.
    const args = query.parameters.map((v) => (typeof v === "number" ? String(v) : client.escapeLiteral(String(v)))).join(", ");
    const generic = await explain(`explain (costs off) execute kh_team_plan(${args})`, []);
    const all = [...custom, ...generic].join("\n");
    const indexes = [...all.matchAll(/(?:Index (?:Only )?Scan|Bitmap Index Scan) (?:using|on) (\S+)/g)].map((m) => m[1]);
    const fullScans = [...all.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[0]);
    const keyLookups = [...all.matchAll(/Index (?:Only )?Scan using (\S+) on api_keys k.*\n\s*Index Cond: \(\(owner_type = .*\) AND \(owner_id = .*\) AND \(service = /g)].map((m) => m[1]);
    return { text: `EXPLAIN ANALYZE (custom plan, this member's values)\n${custom.join("\n")}\nEXPLAIN EXECUTE (generic plan, plan_cache_mode = force_generic_plan)\n${generic.join("\n")}`, indexes, keyLookups, fullScans };
  } finally {
    await client.end();
  }
}

function planVerdict(dialect: BenchDialect, plan: Plan, enforce: boolean): Verdict {
  const missing = [
    ...(plan.indexes.includes(MEMBER_INDEX) ? [] : [MEMBER_INDEX]),
    ...(plan.keyLookups.some((i) => KEY_INDEXES.includes(i)) ? [] : ["an api_keys lookup by (owner_type, owner_id, service)"]),
  ];
  const scans = plan.fullScans.filter((s) => HOT_TABLES.some((t) => s.includes(` ${t}`)));
  const ok = missing.length === 0 && scans.length === 0;
  const used = [...new Set(plan.indexes)].join(", ") || "none";
  const verdict = !enforce ? "n/a (quick: not enforced)" : ok ? "PASS" : "FAIL";
  const problems = [...(missing.length ? [`missing ${missing.join(", ")}`] : []), ...(scans.length ? [`full scans: ${scans.join(", ")}`] : [])];
  return { line: `INDEX team query ${dialect}: uses ${used}${problems.length ? ` · ${problems.join(" · ")}` : " · no full scan"} ${verdict}`, failed: enforce && !ok };
}

// ---------------------------------------------------------------- one database

interface CaseResult {
  dialect: BenchDialect;
  seed: TeamSeedResult;
  personal: Measured;
  team: Measured;
  neither: Measured;
  plan: Plan;
}

async function runCase(
  dialect: BenchDialect,
  opts: { pgUrl: string; quick: boolean; ms: number; users: number; teams: number; teamSize: number; targets: number; track: (d: BenchDatabase | undefined) => void },
): Promise<CaseResult> {
  const db = await createBenchDatabase(dialect, opts.pgUrl, "team-handout");
  opts.track(db);
  let keyhaven: Keyhaven | undefined;
  try {
    const seedRuntime = await db.runtime();
    const seed = await seedTeams({ db, runtime: seedRuntime, users: opts.users, teams: opts.teams, teamSize: opts.teamSize, targetUsers: opts.targets, progress: true });
    if (!seed.team.length || !seed.personal.length || !seed.neither.length) throw new Error("a group has no targets: more users or teams needed");
    // The plan of the query the team hand-out runs, for a member the seed hands a team key.
    const query = teamQueryFor(seedRuntime, seed.team[0]);
    await seedRuntime.close();
    const plan = dialect === "sqlite" ? sqlitePlan(db, query) : await postgresPlan(db, query);

    // The real public entry point, opened the way an application opens it.
    keyhaven = await createKeyhaven({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, masterKey: db.masterKey });
    const provider = keyhaven.apiKeyProvider;
    let counted = 0;
    const op = async (t: TeamTarget) => {
      const v = await provider.getApiKey(t.userId, t.service);
      if (t.source !== "env") counted++;
      return v;
    };
    // Every target must get exactly the value the resolution rules pick (and this warms every data key).
    for (const t of [...seed.personal, ...seed.team, ...seed.neither]) {
      if ((await op(t)) !== t.value) throw new Error(`wrong hand-out for a ${t.service} target expecting a ${t.source} key`);
    }

    const members = new Set(seed.team.map((t) => t.userId)).size;
    console.log(
      `\n${dialect} · ${fmtInt(seed.users)} users, ${fmtInt(seed.teams)} teams × ${opts.teamSize} (${fmtInt(seed.members)} members in 1–3 teams, ` +
        `${fmtInt(seed.preferring)} with a preferred team) · ${fmtInt(seed.personalKeys)} personal + ${fmtInt(seed.teamKeys)} team keys, seeded in ${seed.seconds.toFixed(1)} s`,
    );
    console.log(
      `  targets: (a) ${fmtInt(new Set(seed.personal.map((t) => t.userId)).size)} users × 5 services · (b) ${fmtInt(members)} members without personal keys, ` +
        `${fmtInt(seed.team.length)} (member, service) pairs with a team key · (c) ${fmtInt(new Set(seed.neither.map((t) => t.userId)).size)} users × 5 services`,
    );
    console.log(`  team query plan (${dialect}):\n${plan.text.replace(/^/gm, "    ")}`);

    const variants = [
      { op, inputs: shuffled(seed.personal) },
      { op, inputs: shuffled(seed.team) },
      { op, inputs: shuffled(seed.neither) },
    ];
    await alternate(variants, opts.quick ? 100 : 1500, 3); // warm-up (JIT, caches, named statements)
    const [personal, team, neither] = await alternate(variants, opts.ms, opts.quick ? 3 : 6);
    console.log(row("(a) personal key (floor)", personal));
    console.log(row("(b) team key (no personal key)", team));
    console.log(row("(c) neither: environment fallback", neither));

    await keyhaven.close(); // flushes the batched usage counts
    keyhaven = undefined;
    const recorded = await totalUsage(db);
    console.log(`  usage counted (batched, flushed on close): ${fmtInt(recorded)} of ${fmtInt(counted)} hand-outs of stored keys${recorded === counted ? "" : "  ← MISMATCH"}`);
    if (recorded !== counted) throw new Error(`usage count mismatch: ${recorded} recorded, ${counted} handed out`);
    return { dialect, seed, personal, team, neither, plan };
  } finally {
    await keyhaven?.close().catch(() => {});
    await db.drop();
    opts.track(undefined);
  }
}

async function totalUsage(db: BenchDatabase): Promise<number> {
  const text = "select coalesce(sum(usage_count), 0) as n from api_keys";
  if (db.dialect === "sqlite") {
    const conn = new SQLite(db.sqliteFile, { readonly: true });
    try {
      return Number((conn.prepare(text).get() as { n: number }).n);
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string | number }>(text)).rows[0].n);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "both" });
  const quick = flags.quick;
  const users = intFlag(flags, "users", quick ? 1_000 : 10_000);
  const teams = intFlag(flags, "teams", quick ? 100 : 1_000);
  const teamSize = intFlag(flags, "team-size", 10);
  const targets = intFlag(flags, "targets", quick ? 40 : 100);
  // Measured time per variant: full 8 s (6 alternating slices), quick 0.5 s.
  const ms = quick ? 500 : intFlag(flags, "seconds", 8) * 1000;
  // The library reads DATABASE_URL when no databaseUrl is given: SQLite runs must not pick one up.
  delete process.env.DATABASE_URL;
  // (c) gets the environment's value: the first fallback variable of each seeded service.
  for (const service of SEED_SERVICES) {
    const [name] = getService(service).envVars;
    process.env[name] = envValueFor(service);
  }

  let current: BenchDatabase | undefined;
  dropOnSignal(() => (current ? [current] : []));
  console.log(`team hand-out benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  console.log("one process: getApiKey for (a) personal, (b) team and (c) environment hand-outs, alternating in the same loop; usage counting on (batched, 1 s flush)");
  console.log("CPU = this process's CPU time / wall time while measuring (100% = one full core; lower = other load took the core)");

  const results: CaseResult[] = [];
  for (const dialect of flags.dbs) {
    results.push(await runCase(dialect, { pgUrl: flags.pgUrl, quick, ms, users, teams, teamSize, targets, track: (d) => (current = d) }));
  }

  console.log("");
  const verdicts: Verdict[] = [];
  for (const r of results) verdicts.push(planVerdict(r.dialect, r.plan, !quick));
  for (const r of results) console.log(`P99 ${r.dialect}: personal ${fmtMs(r.personal.p99)}, team ${fmtMs(r.team.p99)}, environment ${fmtMs(r.neither.p99)}`);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (2 cores)`);
  for (const v of verdicts) console.log(v.line);
  const ratios: Verdict[] = [];
  for (const r of results) {
    ratios.push(ratioLine(`throughput team/personal getApiKey ${r.dialect}`, r.team.opsPerSec / r.personal.opsPerSec, { op: ">=", value: 0.5 }, quick));
    ratios.push(ratioLine(`throughput env-fallback/personal getApiKey ${r.dialect}`, r.neither.opsPerSec / r.personal.opsPerSec, undefined, quick));
  }
  for (const v of ratios) console.log(v.line);
  if ([...verdicts, ...ratios].some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
