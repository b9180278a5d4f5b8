// `npm test`: the whole suite — unit + integration (SQLite, and PostgreSQL when TEST_DATABASE_URL
// is set) with the type check and the lint beside it (steps: a failure fails the run, they count
// no tests) — then the browser suite (Debian's Chromium) when the web app exists. Ends with "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const CHROMIUM = process.env.KEYHAVEN_CHROMIUM ?? "/usr/bin/chromium";
mkdirSync("test-results", { recursive: true });
const extra = process.argv.slice(2);

async function vitest(config, report) {
  rmSync(report, { force: true });
  const args = ["node_modules/vitest/vitest.mjs", "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra];
  const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } });
  const code = await new Promise((resolve) => {
    child.on("error", () => resolve(1));
    child.on("close", (c) => resolve(c ?? 1));
  });
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0, code };
  const r = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails to load has no tests but counts as a failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + brokenFiles,
    skipped: r.numPendingTests + r.numTodoTests,
    code,
  };
}

/** `npm run <script>`, its output held back so two can run side by side and still print whole. */
function npmRun(script) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => out.push(d));
    const done = (code) => resolve({ script, code, output: Buffer.concat(out).toString(), seconds: (Date.now() - started) / 1000 });
    child.on("error", (err) => {
      out.push(Buffer.from(String(err)));
      done(1);
    });
    child.on("close", (code) => done(code ?? 1));
  });
}

// KEYHAVEN_STATIC_CHECKS=off: CI's second Node version would type-check and lint the same files
// again. A run of chosen test files (arguments given) is for quick feedback: it skips them too.
// Otherwise they run beside the unit suite (which mostly waits on servers, child processes and
// PostgreSQL), their output held back and printed whole when the suite is done.
const failedSteps = [];
let staticChecks = Promise.resolve([]);
if (process.env.KEYHAVEN_STATIC_CHECKS === "off" || extra.length > 0) {
  console.log("\n[keyhaven] Type check and lint not run here (npm run typecheck, npm run lint)");
} else {
  staticChecks = Promise.all([npmRun("typecheck"), npmRun("lint")]);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
  if (r.code !== 0) exitCode = 1;
};

add(await vitest("vitest.config.ts", "test-results/unit.json"));

for (const step of await staticChecks) {
  const ok = step.code === 0;
  console.log(`\n[keyhaven] npm run ${step.script}: ${ok ? "ok" : "FAILED"} (${step.seconds.toFixed(0)} s)`);
  if (step.output.trim()) process.stdout.write(step.output.endsWith("\n") ? step.output : `${step.output}\n`);
  if (!ok) failedSteps.push(step.script);
}

// KEYHAVEN_BROWSER_TESTS=off: CI's second Node version runs the browser suite only once.
if (process.env.KEYHAVEN_BROWSER_TESTS === "off") {
  console.log("\n[keyhaven] Browser tests not run here (KEYHAVEN_BROWSER_TESTS=off)");
} else if (existsSync("vitest.browser.config.ts")) {
  if (existsSync(CHROMIUM)) {
    const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"], { stdio: "inherit" });
    if (build.status !== 0) {
      exitCode = 1;
      totals.failed += 1;
    } else {
      add(await vitest("vitest.browser.config.ts", "test-results/browser.json"));
    }
  } else {
    console.log(`\n\x1b[33m[keyhaven] Browser tests SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)\x1b[0m`);
  }
}

if (existsSync("test-results/postgres-skipped")) {
  console.log("\x1b[33m[keyhaven] PostgreSQL tests were SKIPPED (TEST_DATABASE_URL unset)\x1b[0m");
}
for (const script of failedSteps) {
  console.log(`\x1b[31m[keyhaven] ${script} FAILED (its output is above; run \`npm run ${script}\`)\x1b[0m`);
}
if (failedSteps.length > 0) exitCode = 1;
console.log(`\nNode ${process.version}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));
