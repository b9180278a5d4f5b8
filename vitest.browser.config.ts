import { defineConfig } from "vitest/config";

// Browser suite: Debian's /usr/bin/chromium driven by playwright-core against an in-process
// server on 127.0.0.1. Needs `vite build` (dist/web) first; scripts/test.mjs does that.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    pool: "forks",
    // One file at a time: each starts its own server and Chromium; running them side by side buys little.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits on the page (a reload, a refetch): 1 s, the default, is tight under load.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
