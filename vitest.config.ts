import { defineConfig } from "vitest/config";

/**
 * KEYHAVEN_REPEAT_RUN=on (CI's second Node version): the slowest process-spawning files — start-up
 * and configuration errors, the CLI against a server, the bench smoke, two-server runs — ran on
 * the first version already; the second runs everything else, so CI stays within its time.
 */
const RUN_ONCE = [
  "test/startup/bad-config.test.ts",
  "test/startup/startup.test.ts",
  "test/cli/get-run.cli.test.ts",
  "test/cli/errors.cli.test.ts",
  "test/examples/examples.test.ts",
  "test/bench/bench-smoke.test.ts",
  "test/cli/rotate-master-key.cli.test.ts",
  "test/cli/backup-restore.cli.test.ts",
  "test/cli/restore-kill.cli.test.ts",
  "test/cli/backup-disk-full.cli.test.ts",
  "test/audit/audit-chain.two-servers.test.ts",
  "test/teams/removal.two-servers.test.ts",
  "test/gateway/budget-concurrency.test.ts",
  // Node-independent and slow: PostgreSQL's catalog under churn, and scrypt-sealed key files.
  "test/db/migrate-beside-dropped-schemas.test.ts",
  "test/backup/personal-export.http.test.ts",
];
const repeatRun = process.env.KEYHAVEN_REPEAT_RUN === "on";
if (repeatRun) console.log(`[keyhaven] second Node version: ${RUN_ONCE.length} slow process-spawning files ran on the first only (${RUN_ONCE.join(", ")})`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"],
    exclude: ["test/browser/**", "node_modules/**", "dist/**", ...(repeatRun ? RUN_ONCE : [])],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default on 2 cores is one worker; most files here wait on child processes (servers,
    // the CLI) and PostgreSQL, so two overlap that waiting: test/startup + test/cli took 144 s
    // with two workers against ~430 s of file time with one, on this 2-core VM.
    maxWorkers: 2,
  },
});
