/**
 * Shared bench plumbing: command-line flags, throw-away databases (a temp dir for SQLite, a
 * schema of its own for PostgreSQL, dropped afterwards), latency statistics and output lines.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig, type Config } from "../../src/platform/config.js";
import { generateMasterKeyBase64 } from "../../src/crypto/master-keyring.js";
import { createLogger } from "../../src/platform/logger.js";
import { createRuntime, type Runtime } from "../../src/app/compose.js";

export type BenchDialect = "sqlite" | "postgres";

/** PostgreSQL used by the benches: --pg-url, else BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default. */
export const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------- flags

export interface Flags {
  quick: boolean;
  dbs: BenchDialect[];
  pgUrl: string;
  /** Any other `--name value` / `--name` flag, as text. */
  raw: Map<string, string>;
}

export function parseFlags(argv: string[], defaults: { db: "sqlite" | "postgres" | "both" }): Flags {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq > 0) raw.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) raw.set(a.slice(2), argv[++i]);
    else raw.set(a.slice(2), "true");
  }
  const db = raw.get("db") ?? defaults.db;
  if (!["sqlite", "postgres", "both"].includes(db)) throw new Error(`--db must be sqlite, postgres or both (got ${db})`);
  return {
    quick: raw.get("quick") === "true",
    dbs: db === "both" ? ["sqlite", "postgres"] : [db as BenchDialect],
    pgUrl: raw.get("pg-url") ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_PG_URL,
    raw,
  };
}

export function intFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags.raw.get(name);
  if (v === undefined) return fallback;
  const n = Number(v.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number (got ${v})`);
  return n;
}

// ---------------------------------------------------------------- databases

export interface BenchDatabase {
  dialect: BenchDialect;
  /** Temp dir: the SQLite file lives here (and nothing else is written). */
  dataDir: string;
  /** SQLite only: the database file (the one the runtime opens). */
  sqliteFile?: string;
  /** PostgreSQL only: the server URL and our schema. */
  pgUrl?: string;
  pgSchema?: string;
  /**
   * What the library and the server are given as DATABASE_URL: the PostgreSQL URL with
   * `options=-c search_path=<schema>`, so the public entry points (which take no schema option)
   * work inside our schema. Undefined for SQLite.
   */
  databaseUrl?: string;
  /** base64 master key, as KEYHAVEN_MASTER_KEY. */
  masterKey: string;
  /** The environment a server child is started with. */
  env(extra?: Record<string, string>): Record<string, string>;
  config(extra?: Record<string, string>): Config;
  /** A runtime on this database (migrates it on first open). */
  runtime(): Promise<Runtime>;
  /** Close what was opened here, delete the temp dir, drop the schema. */
  drop(): Promise<void>;
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

export async function createBenchDatabase(dialect: BenchDialect, pgUrl: string, label = "bench"): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `keyhaven-${label}-`));
  const masterKey = generateMasterKeyBase64();
  let pgSchema: string | undefined;
  let databaseUrl: string | undefined;
  if (dialect === "postgres") {
    pgSchema = `kh_bench_${randomBytes(6).toString("hex")}`;
    databaseUrl = withSearchPath(pgUrl, pgSchema);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`create schema "${pgSchema}"`);
      // Kysely's Migrator decides whether its bookkeeping tables exist by looking in EVERY schema
      // (no migrationTableSchema is passed in src/db/migrate.ts). When another run's schema on the
      // same server already has them, it skips creating ours and the migration fails with
      // `relation "kysely_migration_lock" does not exist`. Create them here, exactly as Kysely would.
      await client.query(
        `create table "${pgSchema}".kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`,
      );
      await client.query(
        `create table "${pgSchema}".kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`,
      );
    } finally {
      await client.end();
    }
  }
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    NODE_ENV: "production",
    KEYHAVEN_DATA_DIR: dataDir,
    KEYHAVEN_MASTER_KEY: masterKey,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  });
  const opened: Runtime[] = [];
  return {
    dialect,
    dataDir,
    sqliteFile: dialect === "sqlite" ? path.join(dataDir, "keyhaven.db") : undefined,
    pgUrl: dialect === "postgres" ? pgUrl : undefined,
    pgSchema,
    databaseUrl,
    masterKey,
    env,
    config: (extra) => loadConfig(env({ LOG_LEVEL: "warn", ...extra })),
    async runtime() {
      const rt = await createRuntime(loadConfig(env({ LOG_LEVEL: "warn" })), createLogger("warn"), { pgSchema });
      opened.push(rt);
      return rt;
    },
    async drop() {
      await Promise.all(opened.map((rt) => rt.close().catch(() => {})));
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (pgSchema) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        try {
          await client.query(`drop schema if exists "${pgSchema}" cascade`);
        } finally {
          await client.end();
        }
      }
    },
  };
}

/**
 * A PostgreSQL database of its own on the server of `serverUrl` (created through that URL's
 * database), for a bench that wants a whole database rather than a schema; `drop` removes it
 * even with connections still open.
 */
export async function createScratchPgDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kh_bench_${label}_${randomBytes(4).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin(`drop database if exists "${name}" with (force)`);
    },
  };
}

/** Drops the databases on Ctrl-C too, so an interrupted run leaves no schema behind. */
export function dropOnSignal(dbs: () => Pick<BenchDatabase, "drop">[]): void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up…\n`);
    void Promise.allSettled(dbs().map((d) => d.drop())).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

// ---------------------------------------------------------------- statistics

export interface LatencyStats {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Mean time per operation, ms (wall time / ops). */
  meanMs: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latencies in ms, collected into a growable Float64Array (no per-sample allocation). */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  append(other: Samples): void {
    for (let i = 0; i < other.length; i++) this.push(other.data[i]);
  }
  stats(seconds: number): LatencyStats {
    const sorted = this.data.slice(0, this.length).sort();
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
    return {
      ops: this.length,
      seconds,
      opsPerSec: this.length / seconds,
      meanMs: (seconds * 1000) / this.length,
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    };
  }
}

// ---------------------------------------------------------------- output

export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtMs = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
export const fmtKeys = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);

export interface Verdict {
  line: string;
  failed: boolean;
}

/**
 * One ratio line: `RATIO <what>: <value> (target <op> <target>) PASS|FAIL`; in --quick mode the
 * verdict is `n/a (quick)` and never fails.
 */
export function ratioLine(
  what: string,
  value: number,
  target: { op: ">=" | "<=" | "<"; value: number; unit?: string } | undefined,
  quick: boolean,
  digits = 2,
): Verdict {
  const unit = target?.unit ?? "";
  const shown = `${value.toFixed(digits)}${unit}`;
  if (!target) return { line: `RATIO ${what}: ${shown} (info, no target)`, failed: false };
  const ok = target.op === ">=" ? value >= target.value : target.op === "<=" ? value <= target.value : value < target.value;
  const verdict = quick ? "n/a (quick: thresholds not enforced)" : ok ? "PASS" : "FAIL";
  return { line: `RATIO ${what}: ${shown} (target ${target.op} ${target.value}${unit}) ${verdict}`, failed: !quick && !ok };
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${new Date().toISOString()} · ${os.type()} ${os.release()} · ${cpus.length} cores (${cpus[0]?.model ?? "?"}) · ${(
    os.totalmem() / 2 ** 30
  ).toFixed(0)} GiB · Node ${process.version} · load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
