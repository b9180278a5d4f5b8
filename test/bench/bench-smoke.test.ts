/**
 * Benchmark smoke check: every bench script runs end to end in its --quick mode (small sizes,
 * about a second per measurement, thresholds NOT enforced) and ends with its ratio lines.
 * PostgreSQL variants run only when TEST_DATABASE_URL is set (the scripts then use it).
 * Full-size runs and their figures: bench/README.md.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WITH_PG = Boolean(process.env.TEST_DATABASE_URL);
const DB = WITH_PG ? "both" : "sqlite";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", script), "--quick", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The trailing block of RATIO lines (the scripts print them last). */
function ratioLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split("\n");
  const out: string[] = [];
  for (let i = lines.length - 1; i >= 0 && lines[i].startsWith("RATIO "); i--) out.unshift(lines[i]);
  return out;
}

const explain = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-3000)}`;

describe(`bench --quick smoke (${WITH_PG ? "SQLite + PostgreSQL" : "SQLite only: TEST_DATABASE_URL unset"})`, () => {
  // One at a time, with room to spare: each starts several servers and seeds databases, and four
  // at once beside the rest of the suite on a 2-core CI machine ran past their deadlines.
  it("seed.ts seeds through the real schema and encryption and reports its rate", async () => {
    const r = await runBench("seed.ts", ["--keys", "5000", "--db", DB]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/sqlite: 5,000 keys over 500 users in [\d.]+ s/);
    if (WITH_PG) expect(r.stdout).toMatch(/postgres: 5,000 keys over 500 users/);
    expect(r.stderr).toMatch(/seeding sqlite: 5,000 keys in/); // the progress line
  }, 300_000);

  it("handout.ts measures getApiKey against its floor and ends with its ratio lines", async () => {
    const r = await runBench("handout.ts", ["--db", DB]);
    expect(r.code, explain(r)).toBe(0);
    const ratios = ratioLines(r.stdout);
    expect(ratios.some((l) => /^RATIO throughput getApiKey\/floor sqlite \S+ sequential: [\d.]+ /.test(l)), explain(r)).toBe(true);
    expect(ratios.some((l) => /^RATIO p99 getApiKey sqlite \S+: [\d.]+ ms/.test(l)), explain(r)).toBe(true);
    expect(ratios.some((l) => /^RATIO time\(\S+\)\/time\(\S+\) getApiKey sqlite: [\d.]+/.test(l)), explain(r)).toBe(true);
    if (WITH_PG) {
      expect(ratios.some((l) => /^RATIO throughput getApiKey\/floor postgres \S+ sequential/.test(l)), explain(r)).toBe(true);
      expect(ratios.some((l) => /^RATIO throughput getApiKey\/floor postgres \S+ 16 concurrent/.test(l)), explain(r)).toBe(true);
      expect(ratios.some((l) => /^RATIO time\(\S+\)\/time\(\S+\) getApiKey postgres/.test(l)), explain(r)).toBe(true);
    }
    // --quick never judges: no PASS/FAIL verdicts.
    expect(ratios.every((l) => !/ (PASS|FAIL)$/.test(l)), explain(r)).toBe(true);
    expect(r.stdout).toMatch(/usage counted \(batched, flushed on close\): ([\d,]+) of \1 hand-outs/);
  }, 300_000);

  it("team-handout.ts measures personal, team and environment hand-outs, checks the team query's plan and ends with its ratio lines", async () => {
    const r = await runBench("team-handout.ts", ["--db", DB]);
    expect(r.code, explain(r)).toBe(0);
    const ratios = ratioLines(r.stdout);
    for (const db of WITH_PG ? ["sqlite", "postgres"] : ["sqlite"]) {
      expect(ratios.some((l) => new RegExp(`^RATIO throughput team/personal getApiKey ${db}: [\\d.]+ \\(target >= 0.5\\) n/a \\(quick`).test(l)), explain(r)).toBe(true);
      expect(ratios.some((l) => new RegExp(`^RATIO throughput env-fallback/personal getApiKey ${db}: [\\d.]+ \\(info, no target\\)$`).test(l)), explain(r)).toBe(true);
      // The plan is printed and read even in --quick mode (where tiny tables may be scanned and it is not judged).
      expect(r.stdout).toMatch(new RegExp(`^INDEX team query ${db}: uses .*member_user_idx`, "m"));
    }
    expect(ratios.every((l) => !/ (PASS|FAIL)$/.test(l)), explain(r)).toBe(true);
    expect(r.stdout).toMatch(/usage counted \(batched, flushed on close\): ([\d,]+) of \1 hand-outs of stored keys/);
  }, 300_000);

  it("http.ts runs autocannon against the real server, its /api/health and the bare floor and ends with the route/health ratio", async () => {
    const r = await runBench("http.ts", ["--db", DB]);
    expect(r.code, explain(r)).toBe(0);
    const ratios = ratioLines(r.stdout);
    const target = (db: string) => `RATIO throughput keyhaven GET /api/api-keys (signed-in, cookie)/GET /api/health ${db}: `;
    expect(ratios.at(-1), explain(r)).toMatch(/^RATIO throughput keyhaven GET \/api\/api-keys \(signed-in, cookie\)\/GET \/api\/health \w+: [\d.]+ \(target >= 0.8\) n\/a \(quick/);
    expect(ratios.some((l) => l.startsWith(target("sqlite"))), explain(r)).toBe(true);
    if (WITH_PG) expect(ratios.some((l) => l.startsWith(target("postgres"))), explain(r)).toBe(true);
    // The bare server stays as information, without a target.
    expect(ratios.some((l) => /^RATIO throughput keyhaven\/bare GET \/api\/api-keys sqlite: [\d.]+ \(info, no target\)$/.test(l)), explain(r)).toBe(true);
    expect(r.stdout).toMatch(/^P99 sqlite: keyhaven (<1|\d+) ms, bare (<1|\d+) ms/m);
    expect(r.stdout).toMatch(/^MEMORY sqlite: keyhaven server peak RSS \d+ MiB/m);
  }, 300_000);

  it("gateway.ts checks every target forwards with the right key, then measures them and ends with its ratio lines", async () => {
    // SQLite and no Portkey: the full run installs Portkey from npm into the temp dir.
    const r = await runBench("gateway.ts", ["--no-portkey"]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/^keyhaven budget: set$/m);
    expect(r.stdout).toMatch(/streaming check .*: direct ok .*; bare ok .*; keyhaven ok /);
    const ratios = ratioLines(r.stdout);
    for (const line of [
      /^RATIO throughput keyhaven gateway\/bare proxy: [\d.]+ \(target >= 0.6\) n\/a \(quick/,
      /^RATIO added latency p50 keyhaven gateway over bare proxy: -?[\d.]+ ms \(target < 0.3 ms\) n\/a \(quick/,
      /^RATIO first streamed chunk p50 keyhaven gateway minus bare proxy: -?[\d.]+ ms \(target < 1 ms\) n\/a \(quick/,
      /^RATIO RSS last\/first [\d.]+ s median keyhaven gateway streaming: [\d.]+ \(target <= 1.1\) n\/a \(quick/,
    ]) {
      expect(ratios.some((l) => line.test(l)), `${line}\n${explain(r)}`).toBe(true);
    }
    expect(ratios.every((l) => !/ (PASS|FAIL)$/.test(l)), explain(r)).toBe(true);
  }, 300_000);

  it("backup.ts times the real backup and restore commands at two sizes, checks the restored copies and ends with its peak-RSS ratios", async () => {
    // Four CLI runs (two sizes × backup and restore) on SQLite: each starts a process and derives
    // a scrypt key, which is most of the time; PostgreSQL and the cross-database restores are left
    // to the full run and to test/cli/backup-restore.cli.test.ts.
    const r = await runBench("backup.ts", ["--db", "sqlite", "--keys", "3000", "--small", "1000", "--no-cross"]);
    expect(r.code, explain(r)).toBe(0);
    const ratios = ratioLines(r.stdout);
    for (const db of ["sqlite"]) {
      expect(r.stdout).toMatch(new RegExp(`^BACKUP ${db} 3k: 3,000 keys \\(3,300 rows\\) in [\\d.]+ s .*keys/s, [\\d.]+ MB/s, file [\\d.]+ MB, peak RSS \\d+ MiB$`, "m"));
      expect(r.stdout).toMatch(new RegExp(`^RESTORE ${db}→${db} 1k: 1,000 keys`, "m"));
      for (const what of ["backup", "restore"]) {
        const name = what === "backup" ? db : `${db}→${db}`;
        expect(ratios.some((l) => new RegExp(`^RATIO peak RSS ${what} ${name} 3k/1k \\(\\d+ MiB / \\d+ MiB\\): [\\d.]+ \\(target <= 1.5\\) n/a \\(quick`).test(l)), explain(r)).toBe(true);
      }
    }
    expect(ratios.every((l) => !/ (PASS|FAIL)$/.test(l)), explain(r)).toBe(true);
  }, 420_000);

  it("resolve.ts runs bearer-token resolves against the bare floor and tokens.verify at two sizes and ends with its ratio lines", async () => {
    const r = await runBench("resolve.ts", ["--db", DB]);
    expect(r.code, explain(r)).toBe(0);
    const ratios = ratioLines(r.stdout);
    for (const db of WITH_PG ? ["sqlite", "postgres"] : ["sqlite"]) {
      expect(ratios.some((l) => l.startsWith(`RATIO throughput keyhaven/bare GET /api/resolve/openai personal token ${db}: `)), explain(r)).toBe(true);
      expect(
        ratios.some((l) => new RegExp(`^RATIO throughput keyhaven/bare GET /api/resolve/openai\\?userId=<any of [\\d,]+> service token ${db}: [\\d.]+ \\(target >= 0.5\\)`).test(l)),
        explain(r),
      ).toBe(true);
      expect(ratios.some((l) => new RegExp(`^RATIO time\\(\\S+\\)/time\\(\\S+\\) tokens.verify ${db}: [\\d.]+ \\(target <= 1.2\\)`).test(l)), explain(r)).toBe(true);
      expect(r.stdout).toMatch(new RegExp(`^P99 ${db}: personal token (<1|\\d+) ms, service token (<1|\\d+) ms, bare (<1|\\d+) ms`, "m"));
    }
    // --quick never judges: no PASS/FAIL verdicts.
    expect(ratios.every((l) => !/ (PASS|FAIL)$/.test(l)), explain(r)).toBe(true);
    expect(r.stderr).toMatch(/seeding sqlite \S+: [\d,]+ tokens in/); // the token seed's progress line
  }, 300_000);
});
