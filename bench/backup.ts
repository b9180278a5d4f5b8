/**
 * `keyhaven backup` and `keyhaven restore` at scale, as an operator runs them: the real CLI
 * (bin/keyhaven.mjs) as a child process, its time, throughput, file size and PEAK RSS (the
 * kernel's VmHWM, read from /proc/<pid>/status every 50 ms while it runs).
 *
 * Per database: 1,000,000 keys over 100,000 users (10 each, bench/seed.ts: real schema, real
 * encryption) backed up, then restored into an empty database of the same kind under ANOTHER
 * master key, and the restored copy checked (row counts, and the seed's target users hand out
 * their exact values through the runtime's key service). With `--db both`, each large file is
 * also restored into an empty database of the other kind.
 *
 * Memory must stay flat (both paths stream: a page of rows, a batch of inserts, a 64 KiB chunk).
 * The same runs at a tenth of the size (`--small`, 100,000 keys) give the reference: peak RSS at
 * 1M / peak RSS at 100k ≤ 1.5. Why 1.5: at 100k the peak (~270 MiB) is the process's fixed
 * cost — Node and tsx (~100 MiB), and the passphrase's scrypt, which alone takes 128 MiB (N=2^17,
 * r=8) — plus whatever the path holds; the remaining 135 MiB of headroom is what holding a
 * seventh of 1M rows as JS objects (~1 KiB each with their strings) would cost, so anything that
 * grows with the backup fails it, while GC timing moves the peak by a few tens of MiB at most.
 *
 * PostgreSQL: a database of its own on the server of --pg-url (created here and dropped at the
 * end, also on Ctrl-C), one schema per source/target inside it.
 *
 * `npx tsx bench/backup.ts [--db sqlite|postgres|both] [--keys 1000000] [--small 100000] [--no-cross] [--quick] [--cpu-prof DIR]`
 * (`--cpu-prof DIR`: every CLI child writes a .cpuprofile there.)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import { LIBRARY_ACTOR } from "../src/access/actor.js";
import {
  createBenchDatabase,
  createScratchPgDatabase,
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
import { distState, fmtMiB, procMemory } from "./lib/servers.js";
import { seedKeys, type HandoutTarget } from "./seed.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = path.join(ROOT, "bin/keyhaven.mjs");
const PASSPHRASE = "bench backup passphrase, long enough";
/** Peak RSS at the large size / at the small size, each path and database. */
const RSS_RATIO_BOUND = 1.5;

interface CliRun {
  seconds: number;
  /** The kernel's high-water mark of the child's resident set (last reading before it exited). */
  peakRss: number;
  /** The command's own elapsed time from its summary line (after start-up and the runtime's opening). */
  ownSeconds: number;
  stdout: string;
}

/** Runs the CLI to its exit, polling its memory; throws with its stderr when it fails. */
function runCli(args: string[], env: Record<string, string>, fromSource: boolean, cpuProf?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : []), ENTRY, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env, ...(fromSource ? { KEYHAVEN_FROM_SOURCE: "1" } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let peakRss = 0;
    const poll = () => {
      const m = child.pid ? procMemory(child.pid) : undefined;
      if (m && m.hwm > peakRss) peakRss = m.hwm;
    };
    const timer = setInterval(poll, 50);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`keyhaven ${args[0]} exited ${code ?? signal}: ${stderr.trim()}`));
      const own = /\bin ([\d.]+) s \(/.exec(stdout);
      resolve({ seconds, peakRss, ownSeconds: own ? Number(own[1]) : NaN, stdout });
    });
  });
}

interface Row {
  what: "backup" | "restore";
  from: BenchDialect;
  to?: BenchDialect;
  keys: number;
  rows: number;
  fileBytes: number;
  run: CliRun;
}

const mb = (bytes: number) => bytes / 1e6;

function describe(r: Row): string {
  const label = r.what === "backup" ? `BACKUP ${r.from}` : `RESTORE ${r.from}→${r.to}`;
  return (
    `${label} ${fmtKeys(r.keys)}: ${fmtInt(r.keys)} keys (${fmtInt(r.rows)} rows) in ${r.run.seconds.toFixed(1)} s ` +
    `(the command's own ${r.run.ownSeconds.toFixed(1)} s): ${fmtInt(r.keys / r.run.seconds)} keys/s, ${(mb(r.fileBytes) / r.run.seconds).toFixed(1)} MB/s, ` +
    `file ${mb(r.fileBytes).toFixed(1)} MB, peak RSS ${fmtMiB(r.run.peakRss)}`
  );
}

async function countOf(db: Kysely<never>, table: string): Promise<number> {
  const any = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  return Number((await any.selectFrom(table).select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
}

/** The restored copy: every key and data key is there, and sample owners hand out their exact values. */
async function checkRestored(target: BenchDatabase, keys: number, users: number, targets: HandoutTarget[]): Promise<void> {
  const rt = await target.runtime();
  const db = rt.database.db as unknown as Kysely<never>;
  const [k, d] = [await countOf(db, "api_keys"), await countOf(db, "data_keys")];
  if (k !== keys || d !== users) throw new Error(`restored ${k} keys and ${d} data keys, expected ${keys} and ${users}`);
  for (const t of targets.slice(0, 50)) {
    const got = await rt.keys.findUsableKey(LIBRARY_ACTOR, { type: "user", id: t.userId }, t.service);
    if (got?.value !== t.value) throw new Error(`after restore ${t.userId}/${t.service} did not hand out its key`);
  }
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "both" });
  const quick = flags.quick;
  const large = intFlag(flags, "keys", quick ? 5_000 : 1_000_000);
  const small = intFlag(flags, "small", quick ? 1_000 : 100_000);
  const cross = flags.raw.get("no-cross") !== "true" && flags.dbs.length === 2;
  const perUser = 10;
  const dist = distState(ROOT);
  const fromSource = !dist.use;
  const cpuProf = flags.raw.get("cpu-prof");
  const cli = (args: string[], env: Record<string, string>) => runCli(args, env, fromSource, cpuProf);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-bench-backup-"));
  const passFile = path.join(dir, "passphrase");
  fs.writeFileSync(passFile, `${PASSPHRASE}\n`);
  const scratch = flags.dbs.includes("postgres") ? await createScratchPgDatabase(flags.pgUrl, "backup") : undefined;
  const open = new Set<BenchDatabase>();
  const cleanup = { drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  dropOnSignal(() => [...open, ...(scratch ? [scratch] : []), cleanup]);
  const newDatabase = async (dialect: BenchDialect, label: string) => {
    const db = await createBenchDatabase(dialect, scratch?.url ?? flags.pgUrl, label);
    open.add(db);
    return db;
  };
  const dropDatabase = async (db: BenchDatabase) => {
    await db.drop();
    open.delete(db);
  };

  console.log(`backup/restore benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  console.log(
    `the CLI as a child process: bin/keyhaven.mjs (${dist.use ? "the dist/ build" : `from source via tsx (${dist.why})`}), NODE_ENV=production, LOG_LEVEL=warn; ` +
      `peak RSS = VmHWM polled every 50 ms; times are wall time of the whole process (start-up and the passphrase's scrypt included)` +
      (scratch ? `; PostgreSQL database ${new URL(scratch.url).pathname.slice(1)} (dropped at the end)` : ""),
  );

  const rows: Row[] = [];
  const seeding: string[] = [];
  try {
    const sizes = small > 0 && small !== large ? [large, small] : [large];
    const files = new Map<BenchDialect, { file: string; keys: number; users: number; targets: HandoutTarget[] }>();
    for (const dialect of flags.dbs) {
      for (const keys of sizes) {
        const source = await newDatabase(dialect, "backup-src");
        const rt = await source.runtime();
        const seeded = await seedKeys({ db: source, runtime: rt, keys, keysPerUser: perUser, targetUsers: 20, label: `${dialect} ${fmtKeys(keys)}` });
        await rt.close();
        const seedLine = `SEED ${dialect} ${fmtKeys(keys)}: ${fmtInt(seeded.keys)} keys over ${fmtInt(seeded.users)} users in ${seeded.seconds.toFixed(1)} s (${fmtInt(seeded.keys / seeded.seconds)} keys/s)`;
        seeding.push(seedLine);
        console.log(seedLine);
        const totalRows = seeded.keys + seeded.dataKeys;

        const file = path.join(dir, `${dialect}-${keys}.khbackup`);
        const backup = await cli(["backup", "--out", file, "--passphrase-file", passFile], source.env());
        const fileBytes = fs.statSync(file).size;
        const b: Row = { what: "backup", from: dialect, keys: seeded.keys, rows: totalRows, fileBytes, run: backup };
        rows.push(b);
        console.log(describe(b));
        await dropDatabase(source);

        const target = await newDatabase(dialect, "backup-dst");
        if (target.masterKey === source.masterKey) throw new Error("the target must have a master key of its own");
        const restore = await cli(["restore", file, "--passphrase-file", passFile], target.env());
        const r: Row = { what: "restore", from: dialect, to: dialect, keys: seeded.keys, rows: totalRows, fileBytes, run: restore };
        rows.push(r);
        console.log(describe(r));
        await checkRestored(target, seeded.keys, seeded.users, seeded.targets);
        await dropDatabase(target);

        if (keys === large && cross) files.set(dialect, { file, keys: seeded.keys, users: seeded.users, targets: seeded.targets });
        else fs.rmSync(file, { force: true });
      }
    }
    // Each large file into an empty database of the other kind.
    for (const [from, f] of files) {
      const to: BenchDialect = from === "sqlite" ? "postgres" : "sqlite";
      const target = await newDatabase(to, "backup-cross");
      const run = await cli(["restore", f.file, "--passphrase-file", passFile], target.env());
      const r: Row = { what: "restore", from, to, keys: f.keys, rows: f.keys + f.users, fileBytes: fs.statSync(f.file).size, run };
      rows.push(r);
      console.log(describe(r));
      await checkRestored(target, f.keys, f.users, f.targets);
      await dropDatabase(target);
      fs.rmSync(f.file, { force: true });
    }
  } finally {
    for (const db of [...open]) await dropDatabase(db).catch(() => {});
    await scratch?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log("");
  console.log("| command | keys | rows | wall time | command's own | keys/s | MB/s | file | peak RSS |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const what = r.what === "backup" ? `backup ${r.from}` : `restore ${r.from} → ${r.to}`;
    console.log(
      `| ${what} | ${fmtInt(r.keys)} | ${fmtInt(r.rows)} | ${r.run.seconds.toFixed(1)} s | ${r.run.ownSeconds.toFixed(1)} s | ${fmtInt(r.keys / r.run.seconds)} | ` +
        `${(mb(r.fileBytes) / r.run.seconds).toFixed(1)} | ${mb(r.fileBytes).toFixed(1)} MB | ${fmtMiB(r.run.peakRss)} |`,
    );
  }
  console.log("");
  for (const line of seeding) console.log(line);
  console.log("");

  const verdicts: Verdict[] = [];
  for (const dialect of flags.dbs) {
    for (const what of ["backup", "restore"] as const) {
      const at = (keys: number) => rows.find((r) => r.what === what && r.from === dialect && (what === "backup" || r.to === dialect) && r.keys === keys);
      const [big, little] = [at(large), at(small)];
      if (!big || !little || big === little) continue;
      verdicts.push(
        ratioLine(
          `peak RSS ${what} ${dialect}${what === "restore" ? `→${dialect}` : ""} ${fmtKeys(large)}/${fmtKeys(small)} (${fmtMiB(big.run.peakRss)} / ${fmtMiB(little.run.peakRss)})`,
          big.run.peakRss / little.run.peakRss,
          { op: "<=", value: RSS_RATIO_BOUND },
          quick,
        ),
      );
    }
  }
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
