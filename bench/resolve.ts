/**
 * Machine-to-machine benchmark: `GET /api/resolve/openai` with `Authorization: Bearer kh_…` on the
 * real server (`bin/keyhaven.mjs serve`), and token verification at 1,000 and 1,000,000 stored
 * tokens.
 *
 *   npx tsx bench/resolve.ts [--db sqlite|postgres|both] [--quick]
 *       [--users 100000] [--small 1000] [--large 1000000] [--connections 10] [--seconds 10]
 *       [--rounds 2] [--verify-seconds 8] [--cpu-prof <dir>] [--pg-url postgres://…]
 *
 * Per database, one run:
 *   1. Seeding (bench/seed.ts's way, through the real schema and encryption): 100,000 users with
 *      one openai key each, then 1,000,000 access tokens (multi-row INSERTs on SQLite, `unnest`
 *      on PostgreSQL) into the same database, and 1,000 tokens into a second one.
 *   2. Verification, in this process: `runtime.tokens.verify(token)` (the function every bearer
 *      request calls) on the 1,000-token and the 1,000,000-token database, alternating in slices,
 *      sequential awaits. Target: time(1M)/time(1k) ≤ 1.2.
 *   3. HTTP, autocannon in this (parent) process, each server a child process: the real server on
 *      the 1M-token database — a personal token resolving its own user's key, and a service token
 *      naming `?userId=` a random one of the 100,000 users on every request — against a bare
 *      `node:http` server answering the same bytes with the same headers; the same server's
 *      `GET /api/health` as information. Same connections, same request generator (autocannon's
 *      setupRequest for every target), alternating rounds. Target: throughput ≥ 0.5× bare.
 *
 * `--cpu-prof <dir>` starts the server with Node's `--cpu-prof` (one .cpuprofile per database in
 * <dir>, written when the server stops), to see where a request's time goes.
 *
 * The last lines are the ratios, each marked PASS/FAIL against its target (--quick: not enforced).
 * Exit code 1 when a full-size target fails, 2 on an error. Every PostgreSQL run works in schemas
 * of its own and drops them; SQLite runs use temp dirs that are deleted.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { Runtime } from "../src/app/compose.js";
import { generateToken, hashToken, tokenPrefix } from "../src/tokens/token-secret.js";
import { createTokenStore } from "../src/tokens/token-store.js";
import { CLI_ACTOR } from "../src/access/actor.js";
import { auditEvent } from "../src/audit/audit-service.js";
import {
  createBenchDatabase,
  dropOnSignal,
  fmtInt,
  fmtKeys,
  fmtMs,
  intFlag,
  machineLine,
  parseFlags,
  ratioLine,
  Samples,
  type BenchDatabase,
  type BenchDialect,
  type LatencyStats,
  type Verdict,
} from "./lib/common.js";
import { signUpWithToken } from "./lib/keyhaven-user.js";
import { Progress } from "./lib/progress.js";
import { distState, fmtMiB, freePort, sampleRss, startChild, type ChildServer } from "./lib/servers.js";
import { RandomPool, seedKeys } from "./seed.js";
import { cpuPerReq, measureAlternating, ms, rps, totalsLine, worst, type Totals } from "./lib/cannon.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SERVICE = "openai";

// ---------------------------------------------------------------- token seeding

const TOKEN_COLUMNS = [
  "id",
  "kind",
  "user_id",
  "created_by",
  "name",
  "prefix",
  "token_hash",
  "scopes",
  "created_at",
  "expires_at",
  "last_used_at",
  "revoked_at",
] as const;
/** 2,000 × 12 = 24,000 bound parameters per statement (SQLite allows 32,766). */
const SQLITE_TOKEN_ROWS = 2_000;
/** PostgreSQL: one `unnest` of 12 arrays per statement, this many rows each. */
const PG_TOKEN_ROWS = 50_000;
const TOKEN_ROWS_PER_TRANSACTION = 100_000;

/** A token whose plaintext we keep (the others exist only as hashes, like every stored token). */
interface KnownToken {
  id: string;
  token: string;
  userId: string;
}

interface TokenWriter {
  write(rows: unknown[][]): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
}

function sqliteTokenWriter(file: string): TokenWriter {
  const conn = new SQLite(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = OFF"); // bulk load on a throw-away database; the final checkpoint makes it durable
  conn.pragma("cache_size = -262144"); // 256 MiB for this connection: random inserts into two unique indexes
  conn.pragma("busy_timeout = 5000");
  const statements = new Map<number, SQLite.Statement>();
  const stmt = (rows: number) => {
    let s = statements.get(rows);
    if (!s) {
      const values = Array.from({ length: rows }, () => `(${TOKEN_COLUMNS.map(() => "?").join(",")})`).join(",");
      s = conn.prepare(`insert into access_tokens (${TOKEN_COLUMNS.join(",")}) values ${values}`);
      statements.set(rows, s);
    }
    return s;
  };
  let inTx = false;
  return {
    async write(rows) {
      if (!inTx) {
        conn.exec("begin");
        inTx = true;
      }
      for (let i = 0; i < rows.length; i += SQLITE_TOKEN_ROWS) {
        const part = rows.slice(i, i + SQLITE_TOKEN_ROWS);
        stmt(part.length).run(part.flat());
      }
    },
    async commit() {
      if (inTx) conn.exec("commit");
      inTx = false;
    },
    async close() {
      if (inTx) conn.exec("rollback");
      conn.pragma("wal_checkpoint(TRUNCATE)");
      conn.close();
    },
  };
}

async function pgTokenWriter(url: string): Promise<TokenWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("set synchronous_commit = off");
  const sql =
    `insert into access_tokens (${TOKEN_COLUMNS.join(",")}) ` +
    `select * from unnest(${TOKEN_COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(", ")})`;
  let inTx = false;
  // One statement in flight while the next batch is built; errors surface on the next call.
  let inFlight: Promise<unknown> = Promise.resolve();
  return {
    async write(rows) {
      await inFlight;
      if (!inTx) {
        await client.query("begin");
        inTx = true;
      }
      const columns = TOKEN_COLUMNS.map((_, c) => rows.map((r) => r[c]));
      inFlight = client.query({ name: "seed_access_tokens", text: sql, values: columns });
    },
    async commit() {
      await inFlight;
      if (inTx) await client.query("commit");
      inTx = false;
    },
    async close() {
      try {
        await inFlight;
        if (inTx) await client.query("rollback");
        // What autovacuum would do within a minute of a million-row load; done now so that it does
        // not start in the middle of a measurement (it would take CPU from one size's slices only).
        await client.query("vacuum analyze access_tokens");
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * `count` access-token rows, `known` of them (spread over the whole insert order) real tokens
 * whose plaintext is returned. The rest: random SHA-256-sized hashes, personal tokens of
 * `userIds`, the same number each (one in 100 a service token with no user), one in 20 revoked, one in 10 expiring
 * next year — rows only, as the store keeps them.
 */
async function seedTokens(
  db: BenchDatabase,
  opts: { count: number; known: number; userIds: string[]; label: string },
): Promise<{ seconds: number; known: KnownToken[] }> {
  const pool = new RandomPool();
  const started = performance.now();
  const now = Date.now();
  const createdIso = new Date(now - 30 * 86_400_000).toISOString();
  const revokedIso = new Date(now - 86_400_000).toISOString();
  const futureIso = new Date(now + 365 * 86_400_000).toISOString();
  const knownAt = new Set(Array.from({ length: Math.min(opts.known, opts.count) }, (_, k) => Math.floor(((k + 0.5) * opts.count) / opts.known)));
  const known: KnownToken[] = [];
  // Ids in sorted order and each user's tokens together: the primary key and the user index grow
  // at their end, so only the hash index (the one verification reads) takes random inserts.
  const ids = Array.from({ length: opts.count }, () => `tok_${pool.text(12)}`).sort();
  const users = [...opts.userIds].sort();
  const writer = db.dialect === "sqlite" ? sqliteTokenWriter(db.sqliteFile!) : await pgTokenWriter(db.databaseUrl!);
  const progress = new Progress(`seeding ${opts.label}`, opts.count, "tokens");
  const batch = db.dialect === "sqlite" ? SQLITE_TOKEN_ROWS * 10 : PG_TOKEN_ROWS;
  let sinceCommit = 0;
  try {
    for (let i0 = 0; i0 < opts.count; i0 += batch) {
      const rows: unknown[][] = [];
      for (let i = i0; i < Math.min(opts.count, i0 + batch); i++) {
        const id = ids[i];
        const userId = users[Math.floor((i * users.length) / opts.count)];
        if (knownAt.has(i)) {
          const token = generateToken();
          known.push({ id, token, userId });
          rows.push([id, "personal", userId, userId, "bench token", tokenPrefix(token), hashToken(token), '["resolve"]', createdIso, null, null, null]);
          continue;
        }
        const service = i % 100 === 99;
        rows.push([
          id,
          service ? "service" : "personal",
          service ? null : userId,
          userId,
          "bench token",
          pool.text(6),
          pool.take(32).toString("hex"),
          '["resolve"]',
          createdIso,
          i % 10 === 3 ? futureIso : null,
          null,
          i % 20 === 7 ? revokedIso : null,
        ]);
      }
      await writer.write(rows);
      sinceCommit += rows.length;
      if (sinceCommit >= TOKEN_ROWS_PER_TRANSACTION) {
        await writer.commit();
        sinceCommit = 0;
      }
      progress.update(i0 + rows.length);
    }
    await writer.commit();
  } finally {
    await writer.close();
  }
  progress.finish(opts.count);
  return { seconds: (performance.now() - started) / 1000, known };
}

/** A service token (kind "service", no user) written through the real token store, SHA-256 only. */
async function insertServiceToken(runtime: Runtime, createdBy: string): Promise<string> {
  const token = generateToken();
  const id = `tok_${new RandomPool().text(12)}`;
  await createTokenStore(runtime.database.db).insert({
    id,
    kind: "service",
    user_id: null,
    created_by: createdBy,
    name: "bench service",
    prefix: tokenPrefix(token),
    token_hash: hashToken(token),
    scopes: JSON.stringify(["resolve"]),
    created_at: new Date().toISOString(),
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
  }, auditEvent(CLI_ACTOR, "admin.token_create", { target: { type: "service_token", id, label: "bench service" } }));
  return token;
}

// ---------------------------------------------------------------- verification (in-process)

interface Measured extends LatencyStats {
  /** CPU time of this process / wall time while measuring. */
  cpuShare: number;
  /** CPU time of this process per call, ms: does not depend on how often other load took the core. */
  cpuPerCallMs: number;
}

/**
 * `op` in sequential awaits for `ms`, cycling over `tokens`. The loop yields to the event loop
 * every millisecond (as a server does between requests), so the last-use flush timer fires.
 */
async function slice(op: (token: string) => Promise<unknown>, tokens: string[], ms: number, samples: Samples): Promise<{ seconds: number; cpuMs: number }> {
  let i = Math.floor(Math.random() * tokens.length);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  let lastYield = start;
  for (;;) {
    const t0 = performance.now();
    if (t0 >= end) break;
    if (t0 - lastYield >= 1) {
      await new Promise(setImmediate);
      lastYield = performance.now();
      continue;
    }
    await op(tokens[i++ % tokens.length]);
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (performance.now() - start) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Two variants in alternating slices (`rounds` each), so drift on a shared box hits both alike. */
async function alternate(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds: number): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      await a();
      await b();
    } else {
      await b();
      await a();
    }
  }
}

interface Side {
  samples: Samples;
  seconds: number;
  cpuMs: number;
}
const side = (): Side => ({ samples: new Samples(), seconds: 0, cpuMs: 0 });
const summarize = (s: Side): Measured => ({ ...s.samples.stats(s.seconds), cpuShare: s.cpuMs / (s.seconds * 1000), cpuPerCallMs: s.cpuMs / s.samples.length });

async function compareVerify(small: Runtime, large: Runtime, smallTokens: string[], largeTokens: string[], totalMs: number, rounds: number) {
  const sides = { small: side(), large: side() };
  const run = (rt: Runtime, tokens: string[], s: Side) => async () => {
    const r = await slice((t) => rt.tokens.verify(t), tokens, totalMs / rounds, s.samples);
    s.seconds += r.seconds;
    s.cpuMs += r.cpuMs;
  };
  await alternate(run(small, smallTokens, sides.small), run(large, largeTokens, sides.large), rounds);
  return { small: summarize(sides.small), large: summarize(sides.large) };
}

const verifyRow = (label: string, s: Measured) =>
  `  ${label.padEnd(44)} ${fmtInt(s.opsPerSec).padStart(9)} verifies/s   mean ${fmtMs(s.meanMs).padStart(7)}   p50 ${fmtMs(s.p50).padStart(7)}   ` +
  `p99 ${fmtMs(s.p99).padStart(7)}   max ${fmtMs(s.max).padStart(8)}   ${fmtInt(s.ops).padStart(9)} calls   CPU ${(s.cpuShare * 100).toFixed(0).padStart(3)}% (${fmtMs(s.cpuPerCallMs)}/call)`;

// ---------------------------------------------------------------- HTTP


interface Target {
  name: "personal" | "service" | "bare" | "health";
  label: string;
  base: string;
  pid: number;
  headers: Record<string, string>;
  path: () => string;
}

/** The same check the server makes (no-token-in-url.ts): a query with `kh_` + 16 token characters is refused. */
const TOKEN_LIKE = /kh_[A-Za-z0-9_-]{16,}/i;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// ---------------------------------------------------------------- one database

interface CaseResult {
  dialect: BenchDialect;
  users: number;
  small: number;
  large: number;
  verify: { small: Measured; large: Measured };
  http: Map<Target["name"], { target: Target; totals: Totals }>;
  /** Users the service token names (all seeded users but those whose id spells a token). */
  serviceUsers: number;
  peakRss: number;
}

async function runCase(
  dialect: BenchDialect,
  opts: {
    pgUrl: string;
    quick: boolean;
    users: number;
    small: number;
    large: number;
    verifyMs: number;
    verifyRounds: number;
    connections: number;
    seconds: number;
    warmSeconds: number;
    rounds: number;
    fromSource: boolean;
    cpuProf?: string;
    track: (dbs: BenchDatabase[]) => void;
  },
): Promise<CaseResult> {
  const dbLarge = await createBenchDatabase(dialect, opts.pgUrl, "resolve");
  const dbSmall = await createBenchDatabase(dialect, opts.pgUrl, "resolve");
  opts.track([dbLarge, dbSmall]);
  const servers: ChildServer[] = [];
  try {
    // 1. Seeding. Users with one openai key each (bench/seed.ts: real schema, real encryption).
    const rtLarge = await dbLarge.runtime();
    const seed = await seedKeys({ db: dbLarge, runtime: rtLarge, keys: opts.users, keysPerUser: 1, targetUsers: 100, label: `${dialect} ${fmtInt(opts.users)} users` });
    const large = await seedTokens(dbLarge, { count: opts.large, known: 100, userIds: seed.userIds, label: `${dialect} ${fmtKeys(opts.large)}` });
    const rtSmall = await dbSmall.runtime();
    const names = new RandomPool();
    const smallUsers = Array.from({ length: Math.max(1, Math.ceil(opts.small / 10)) }, () => names.text(24));
    const small = await seedTokens(dbSmall, { count: opts.small, known: 100, userIds: smallUsers, label: `${dialect} ${fmtKeys(opts.small)}` });
    const serviceToken = await insertServiceToken(rtLarge, seed.userIds[0]);
    console.log(
      `\n${dialect} · ${fmtInt(seed.users)} users with one ${SERVICE} key each (seeded in ${seed.seconds.toFixed(1)} s) · ` +
        `${fmtInt(opts.large)} tokens (seeded in ${large.seconds.toFixed(1)} s) · a second database with ${fmtInt(opts.small)} tokens (${small.seconds.toFixed(1)} s)`,
    );

    // 2. Verification: every known token verifies to its own row on both, then alternate.
    for (const [rt, set] of [
      [rtSmall, small.known],
      [rtLarge, large.known],
    ] as const) {
      for (const k of set) {
        const actor = await rt.tokens.verify(k.token);
        if (actor.type !== "token" || actor.tokenId !== k.id || actor.userId !== k.userId) throw new Error("a seeded token verified to the wrong actor");
      }
    }
    const smallTokens = small.known.map((k) => k.token);
    const largeTokens = large.known.map((k) => k.token);
    await compareVerify(rtSmall, rtLarge, smallTokens, largeTokens, opts.quick ? 100 : 1500, 2); // warm-up
    const verify = await compareVerify(rtSmall, rtLarge, smallTokens, largeTokens, opts.verifyMs, opts.verifyRounds);
    console.log(`  runtime.tokens.verify(token), sequential awaits, 100 known tokens per database, alternating ${opts.verifyRounds} slices:`);
    console.log(verifyRow(`${fmtInt(opts.small)} tokens stored`, verify.small));
    console.log(verifyRow(`${fmtInt(opts.large)} tokens stored`, verify.large));
    await rtSmall.close();
    await dbSmall.drop();
    opts.track([dbLarge]);
    await rtLarge.close(); // writes the batched last-use times; the server opens the database next

    // 3. HTTP on the large database.
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined };
    const keyhaven = await startChild({
      args: [...(opts.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProf}`] : []), path.join(ROOT, "bin/keyhaven.mjs"), "serve"],
      env: {
        ...env,
        ...dbLarge.env({ PORT: String(port), HOST: "127.0.0.1", KEYHAVEN_PUBLIC_URL: origin, ...(opts.fromSource ? { KEYHAVEN_FROM_SOURCE: "1" } : {}) }),
      },
      port,
      healthPath: "/api/health",
      cwd: ROOT,
    });
    servers.push(keyhaven);
    const personal = await personalToken(keyhaven.url, origin);

    const resolvePath = `/api/resolve/${SERVICE}`;
    const get = async (p: string, token: string) => {
      const res = await fetch(keyhaven.url + p, { headers: bearer(token) });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}: ${body.toString()}`);
      return { res, body };
    };
    const personalAnswer = await get(resolvePath, personal.token);
    if ((JSON.parse(personalAnswer.body.toString()) as { apiKey: string }).apiKey !== personal.value) throw new Error("the personal token resolved the wrong key");
    // The service token hands out exactly the key the seed says, for every target user.
    const userPath = (id: string) => `${resolvePath}?userId=${encodeURIComponent(id)}`;
    let serviceBody = Buffer.alloc(0);
    // (Target users whose id would pass for a token in a URL are skipped, as below for the random ones.)
    for (const t of seed.targets.filter((target) => !TOKEN_LIKE.test(target.userId))) {
      const { body } = await get(userPath(t.userId), serviceToken);
      const got = JSON.parse(body.toString()) as { apiKey: string; keyId: string };
      if (got.apiKey !== t.value || got.keyId !== t.keyId) throw new Error(`the service token resolved the wrong key for a target user`);
      serviceBody = body;
    }
    // Same-sized answers (same key formats), so one floor serves both: it answers a service answer's bytes.
    if (serviceBody.length !== personalAnswer.body.length) {
      throw new Error(`personal and service answers differ in size (${personalAnswer.body.length} vs ${serviceBody.length} bytes)`);
    }
    // Users whose id the server would take for a token in the URL (base64url ids can spell `kh_…`) are left out.
    const userPaths = seed.userIds.filter((id) => !TOKEN_LIKE.test(id)).map(userPath);
    const randomUser = () => userPaths[Math.floor(Math.random() * userPaths.length)];

    const bodyFile = path.join(dbLarge.dataDir, "resolve.json");
    const headersFile = path.join(dbLarge.dataDir, "resolve-headers.json");
    fs.writeFileSync(bodyFile, serviceBody);
    const skip = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding", "content-type"]);
    const sent: Record<string, string> = {};
    personalAnswer.res.headers.forEach((v, k) => {
      if (!skip.has(k)) sent[k] = v;
    });
    fs.writeFileSync(headersFile, JSON.stringify(sent));
    const bare = await startChild({ args: ["--import", "tsx", path.join(ROOT, "bench/bare-server.ts"), bodyFile, headersFile], env, healthPath: "/", cwd: ROOT });
    servers.push(bare);
    if (!Buffer.from(await (await fetch(bare.url + resolvePath)).arrayBuffer()).equals(serviceBody)) throw new Error("the bare server does not answer the same bytes");

    const targets: Target[] = [
      { name: "personal", label: "keyhaven, personal token", base: keyhaven.url, pid: keyhaven.pid, headers: bearer(personal.token), path: () => resolvePath },
      {
        name: "service",
        label: `keyhaven, service token, any of ${fmtInt(userPaths.length)} users`,
        base: keyhaven.url,
        pid: keyhaven.pid,
        headers: bearer(serviceToken),
        path: randomUser,
      },
      { name: "bare", label: "bare node:http, same bytes and headers", base: bare.url, pid: bare.pid, headers: bearer(serviceToken), path: randomUser },
      { name: "health", label: "keyhaven GET /api/health (info)", base: keyhaven.url, pid: keyhaven.pid, headers: bearer(personal.token), path: () => "/api/health" },
    ];
    const conn = opts.connections;
    console.log(
      `  GET ${resolvePath} → ${fmtInt(serviceBody.length)} bytes · ${conn} connections, ${opts.rounds} × ${opts.seconds} s per target, alternating (after ${opts.warmSeconds} s warm-up each)`,
    );
    const rss = sampleRss(keyhaven.pid);
    const totals = await measureAlternating(targets, { connections: conn, seconds: opts.seconds, warmSeconds: opts.warmSeconds, rounds: opts.rounds });
    const mem = rss.stop();
    const http = new Map<Target["name"], { target: Target; totals: Totals }>();
    for (const t of targets) {
      const tot = totals.get(t.name)!;
      http.set(t.name, { target: t, totals: tot });
      console.log(totalsLine(t.label, tot, 46));
    }
    console.log(`  keyhaven server peak RSS ${fmtMiB(mem.peakRss)} (VmHWM ${fmtMiB(mem.hwm)})`);
    return { dialect, users: seed.users, small: opts.small, large: opts.large, verify, http, serviceUsers: userPaths.length, peakRss: mem.peakRss };
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await dbSmall.drop().catch(() => {});
    await dbLarge.drop();
    opts.track([]);
  }
}

/** Signs up (the real auth route), stores one openai key and creates a personal token with the `resolve` scope. */
async function personalToken(base: string, origin: string): Promise<{ token: string; value: string }> {
  // The same format and length as the seeded keys (sk-proj- + 48 characters), so the answers match in size.
  const value = `sk-proj-${new RandomPool().text(36)}`;
  const user = await signUpWithToken(base, origin, { service: SERVICE, value, scopes: ["resolve"] });
  return { token: user.token, value };
}

// ---------------------------------------------------------------- main

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "both" });
  const quick = flags.quick;
  const opts = {
    pgUrl: flags.pgUrl,
    quick,
    users: intFlag(flags, "users", quick ? 2_000 : 100_000),
    small: intFlag(flags, "small", quick ? 200 : 1_000),
    large: intFlag(flags, "large", quick ? 5_000 : 1_000_000),
    verifyMs: quick ? 500 : intFlag(flags, "verify-seconds", 8) * 1000,
    // 8 slices of 1 s per size: short enough that a burst of other load hits both sizes alike.
    verifyRounds: quick ? 2 : 8,
    connections: intFlag(flags, "connections", 10),
    seconds: quick ? 0.5 : intFlag(flags, "seconds", 10),
    warmSeconds: quick ? 0.3 : 3,
    rounds: intFlag(flags, "rounds", quick ? 1 : 2),
    fromSource: !distState(ROOT).use,
    cpuProf: flags.raw.has("cpu-prof") ? path.resolve(flags.raw.get("cpu-prof")!) : undefined,
  };
  let current: BenchDatabase[] = [];
  dropOnSignal(() => current);
  const started = performance.now();
  console.log(`resolve benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  const dist = distState(ROOT);
  console.log(
    `server: child process bin/keyhaven.mjs serve (${dist.use ? "the dist/ build" : `from source via tsx (${dist.why})`}), NODE_ENV=production; ` +
      "floor: bench/bare-server.ts (via tsx); load generator: autocannon in this (parent) process; verification: in this process.",
  );

  const results: CaseResult[] = [];
  for (const dialect of flags.dbs) results.push(await runCase(dialect, { ...opts, track: (d) => (current = d) }));

  console.log("");
  const verdicts: Verdict[] = [];
  for (const r of results) {
    const h = (n: Target["name"]) => r.http.get(n)!.totals;
    console.log(
      `P99 ${r.dialect}: personal token ${ms(worst(h("personal").p99s))}, service token ${ms(worst(h("service").p99s))}, bare ${ms(worst(h("bare").p99s))}, ` +
        `/api/health ${ms(worst(h("health").p99s))}; verify at ${fmtKeys(r.small)} ${fmtMs(r.verify.small.p99)}, at ${fmtKeys(r.large)} ${fmtMs(r.verify.large.p99)}`,
    );
  }
  for (const r of results) {
    const h = (n: Target["name"]) => r.http.get(n)!.totals;
    verdicts.push(ratioLine(`throughput keyhaven GET /api/health/bare ${r.dialect}`, rps(h("health")) / rps(h("bare")), undefined, quick));
    verdicts.push(ratioLine(`throughput resolve personal token/GET /api/health ${r.dialect}`, rps(h("personal")) / rps(h("health")), undefined, quick));
    verdicts.push(ratioLine(`server CPU per request bare/keyhaven resolve personal token ${r.dialect}`, cpuPerReq(h("bare")) / cpuPerReq(h("personal")), undefined, quick, 3));
    verdicts.push(ratioLine(`server CPU per request bare/keyhaven resolve service token ${r.dialect}`, cpuPerReq(h("bare")) / cpuPerReq(h("service")), undefined, quick, 3));
  }
  for (const r of results) {
    const h = (n: Target["name"]) => r.http.get(n)!.totals;
    verdicts.push(ratioLine(`throughput keyhaven/bare GET /api/resolve/${SERVICE} personal token ${r.dialect}`, rps(h("personal")) / rps(h("bare")), { op: ">=", value: 0.5 }, quick));
    verdicts.push(
      ratioLine(
        `throughput keyhaven/bare GET /api/resolve/${SERVICE}?userId=<any of ${fmtInt(r.serviceUsers)}> service token ${r.dialect}`,
        rps(h("service")) / rps(h("bare")),
        { op: ">=", value: 0.5 },
        quick,
      ),
    );
    verdicts.push(ratioLine(`p50 (${fmtKeys(r.large)})/(${fmtKeys(r.small)}) tokens.verify ${r.dialect}`, r.verify.large.p50 / r.verify.small.p50, undefined, quick));
    verdicts.push(
      ratioLine(`CPU per call (${fmtKeys(r.large)})/(${fmtKeys(r.small)}) tokens.verify ${r.dialect}`, r.verify.large.cpuPerCallMs / r.verify.small.cpuPerCallMs, undefined, quick),
    );
    verdicts.push(
      ratioLine(`time(${fmtKeys(r.large)})/time(${fmtKeys(r.small)}) tokens.verify ${r.dialect}`, r.verify.large.meanMs / r.verify.small.meanMs, { op: "<=", value: 1.2 }, quick),
    );
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
