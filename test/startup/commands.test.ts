/** `keyhaven migrate`, `generate-key`, `help` and an unknown command, through the real entry point. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, it } from "vitest";
import { EXIT } from "../../src/platform/errors.js";
import { cliEnv, expectStartupFailure, killAll, removeTempDirs, runCli, tempDir } from "./run-cli.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

describe.concurrent("keyhaven commands", () => {
  it("migrate applies the migrations on a fresh data dir, then says it is up to date", async ({ expect }) => {
    const dir = tempDir();
    const env = cliEnv({ KEYHAVEN_DATA_DIR: dir });

    const first = await runCli(["migrate"], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\): .*0001_initial/m);
    expect(first.stderr).toBe("");
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(true);
    // migrate needs no master key and generates none.
    expect(fs.existsSync(path.join(dir, "master.key"))).toBe(false);

    const second = await runCli(["migrate"], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/database is up to date \(sqlite\)/);
    expect(second.stderr).toBe("");
  });

  it("migrate against a database that cannot connect is a one-line error", async () => {
    const dir = tempDir();
    const result = await runCli(["migrate"], {
      cwd: dir,
      env: cliEnv({ KEYHAVEN_DATA_DIR: dir, DATABASE_URL: "postgres://user:s3cretPass@127.0.0.1:1/db" }),
    });
    expectStartupFailure(result, EXIT.DATABASE_UNAVAILABLE, "127.0.0.1:1");
  });

  it("generate-key prints base64 of 32 random bytes", async ({ expect }) => {
    const dir = tempDir();
    const env = cliEnv({ KEYHAVEN_DATA_DIR: dir });
    const [a, b] = await Promise.all([runCli(["generate-key"], { cwd: dir, env }), runCli(["generate-key"], { cwd: dir, env })]);
    for (const r of [a, b]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      const key = r.stdout.trim();
      expect(r.stdout).toBe(key + "\n");
      expect(key).toMatch(BASE64_32);
      expect(Buffer.from(key, "base64")).toHaveLength(32);
    }
    expect(a.stdout).not.toBe(b.stdout);
    // It only prints: no database, no key file.
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("an unknown command exits 64 with the usage", async ({ expect }) => {
    const dir = tempDir();
    const result = await runCli(["frobnicate"], { cwd: dir, env: cliEnv({ KEYHAVEN_DATA_DIR: dir }) });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^keyhaven: unknown command "frobnicate"\n/);
    expect(result.stderr).toContain("usage: keyhaven <command>");
    expect(result.stderr).toMatch(/serve\s.*\n.*migrate\s.*\n.*generate-key\s/);
    expect(result.stderr).not.toContain("    at ");
    expect(result.stdout).toBe("");
  });

  it("help prints the usage and exits 0", async ({ expect }) => {
    const dir = tempDir();
    const result = await runCli(["help"], { cwd: dir, env: cliEnv({ KEYHAVEN_DATA_DIR: dir }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: keyhaven <command>");
    expect(result.stderr).toBe("");
  });
});
