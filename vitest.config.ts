import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"],
    exclude: ["test/browser/**", "node_modules/**", "dist/**"],
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
