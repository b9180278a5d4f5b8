/**
 * The client commands talk HTTP only: running one loads no database driver, no better-auth,
 * no Hono and none of the server's own layers (db/, http/, app/, keys/, auth/). A module
 * resolution hook records every module the real entry point resolves.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliEnv, ROOT, runCli, removeTempDirs, tempDir, killAll } from "../startup/run-cli.js";

const RECORDER = path.join(ROOT, "test", "package", "fixtures", "record-resolutions.mjs");

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

async function resolvedBy(args: string[]): Promise<string[]> {
  const dir = tempDir("keyhaven-imports-");
  const log = path.join(dir, "resolutions.log");
  const env = cliEnv({ RESOLUTION_LOG: log, XDG_CONFIG_HOME: dir, NODE_OPTIONS: `--import ${RECORDER}` });
  const r = await runCli(args, { cwd: dir, env });
  expect(r.code, r.stderr).toBe(0);
  return fs.readFileSync(log, "utf8").trim().split("\n").map((line) => line.split(" ")[1]);
}

describe.concurrent("client commands stay light", () => {
  for (const command of ["login", "get", "run", "keys", "import-env"]) {
    it(`keyhaven ${command} loads neither the server nor its dependencies`, async () => {
      const urls = await resolvedBy([command, "--help"]);
      // The hook saw the command's own module, so an empty list below means something.
      expect(urls.some((u) => u.endsWith(`/src/cli/commands/${command}.ts`))).toBe(true);
      expect(urls.filter((u) => /\/node_modules\/(better-auth|@better-auth|better-call|hono|@hono|kysely|better-sqlite3|pg|pino)\//.test(u))).toEqual([]);
      expect(urls.filter((u) => /\/src\/(db|http|app|keys|auth|tokens|access|key-test|provider|usage|limits)\//.test(u))).toEqual([]);
    });
  }
});
