/**
 * Start-up of the real entry point (`node bin/keyhaven.mjs serve`) as a child process:
 * a fresh start with no configuration, clean shutdown on SIGTERM/SIGINT, PostgreSQL,
 * a port in use, and the stored master key check.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, it, type ExpectStatic } from "vitest";
import { EXIT } from "../../src/platform/errors.js";
import { urlWithSchema } from "../support/databases.js";
import {
  expectStartupFailure,
  health,
  killAll,
  removeTempDirs,
  runCli,
  serveSetup,
  startServer,
} from "./run-cli.js";

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const GENERATED_WARNING = "Generated a new master key";
/** Tests that start the server two or three times in a row get more room on a loaded machine. */
const SEQUENTIAL_STARTS = { timeout: 90_000 };

// Tests run concurrently, so each kills its own processes (onTestFinished); this catches leftovers.
afterAll(async () => {
  await killAll();
  removeTempDirs();
});

function expectCanonicalKeyFile(file: string, expect: ExpectStatic): string {
  const text = fs.readFileSync(file, "utf8");
  const key = text.trim();
  expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(key, "base64")).toHaveLength(32);
  return text;
}

describe.concurrent("keyhaven serve", () => {
  it("starts with no configuration on SQLite, generates master.key once, and shuts down cleanly on SIGTERM and SIGINT", SEQUENTIAL_STARTS, async ({ expect, onTestFinished }) => {
    const { dir, port, env } = await serveSetup();
    const keyFile = path.join(dir, "master.key");

    const first = await startServer(dir, env);
    onTestFinished(() => first.kill());
    expect(await health(port)).toEqual({ status: 200, body: { status: "ok", database: "sqlite" } });
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(true);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const keyText = expectCanonicalKeyFile(keyFile, expect);
    expect(first.stdout).toMatch(new RegExp(`${GENERATED_WARNING}[^\\n]*KEYHAVEN_MASTER_KEY`));
    expect(first.stdout).toContain("openssl rand -base64 32");
    // The key itself is never printed.
    expect(first.stdout).not.toContain(keyText.trim());

    let t0 = Date.now();
    const stopped = await first.stop("SIGTERM");
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(stopped.stdout).toContain("SIGTERM received");
    expect(stopped.stderr).toBe("");
    // The database was closed: SQLite checkpointed and removed its write-ahead log.
    expect(fs.existsSync(path.join(dir, "keyhaven.db-wal"))).toBe(false);

    const second = await startServer(dir, env);
    onTestFinished(() => second.kill());
    expect(await health(port)).toEqual({ status: 200, body: { status: "ok", database: "sqlite" } });
    expect(fs.readFileSync(keyFile, "utf8")).toBe(keyText);
    expect(second.stdout).not.toContain(GENERATED_WARNING);
    expect(second.stdout).not.toContain("KEYHAVEN_MASTER_KEY");

    t0 = Date.now();
    const stopped2 = await second.stop("SIGINT");
    expect({ code: stopped2.code, signal: stopped2.signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(stopped2.stdout).toContain("SIGINT received");
    expect(stopped2.stderr).toBe("");
  });

  it("shuts down on SIGTERM while a client holds a keep-alive connection", async ({ expect, onTestFinished }) => {
    const { dir, port, env } = await serveSetup();
    const server = await startServer(dir, env);
    onTestFinished(() => server.kill());
    // A raw socket that sent a keep-alive request and stays open.
    const socket = net.connect(port, "127.0.0.1");
    onTestFinished(() => {
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
      socket.once("data", () => resolve());
    });
    const t0 = Date.now();
    const stopped = await server.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("refuses a port in use with a one-line error naming the port", async ({ expect, onTestFinished }) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;
    const { dir, env } = await serveSetup({ PORT: String(port) });

    const result = await runCli(["serve"], { cwd: dir, env });
    const line = expectStartupFailure(result, EXIT.PORT_IN_USE, `port ${port}`);
    expect(line).toMatch(/already in use/);
  });

  it("refuses a master key that does not match the stored key check, and starts again with the right one", SEQUENTIAL_STARTS, async ({ expect, onTestFinished }) => {
    const keyA = randomBytes(32).toString("base64");
    const keyB = randomBytes(32).toString("base64");
    const { dir, port, env } = await serveSetup({ KEYHAVEN_MASTER_KEY: keyA });

    const first = await startServer(dir, env);
    onTestFinished(() => first.kill());
    expect(first.stdout).not.toContain(GENERATED_WARNING);
    expect(fs.existsSync(path.join(dir, "master.key"))).toBe(false);
    expect((await first.stop()).code).toBe(0);

    const wrong = await runCli(["serve"], { cwd: dir, env: { ...env, KEYHAVEN_MASTER_KEY: keyB } });
    expectStartupFailure(wrong, EXIT.MASTER_KEY_MISMATCH, /master key does not match/);
    expect(wrong.stderr + wrong.stdout).not.toContain(keyB);
    expect(wrong.stderr + wrong.stdout).not.toContain(keyA);

    const again = await startServer(dir, env);
    onTestFinished(() => again.kill());
    expect(await health(port)).toEqual({ status: 200, body: { status: "ok", database: "sqlite" } });
    expect((await again.stop()).code).toBe(0);
  });

  it("refuses to start when master.key is gone but the database holds encrypted data (no silent new key)", SEQUENTIAL_STARTS, async ({ expect, onTestFinished }) => {
    const { dir, env } = await serveSetup();
    const keyFile = path.join(dir, "master.key");
    const first = await startServer(dir, env);
    onTestFinished(() => first.kill());
    expect(fs.existsSync(keyFile)).toBe(true);
    expect((await first.stop()).code).toBe(0);

    fs.rmSync(keyFile);
    const result = await runCli(["serve"], { cwd: dir, env });
    expectStartupFailure(result, EXIT.CONFIG, /database was set up with a master key, but none was found/);
    expect(result.stderr).toContain(keyFile);
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(result.stdout).not.toContain(GENERATED_WARNING);
  });
});

const pgIt = TEST_DATABASE_URL ? it : it.skip;
const pgSuffix = TEST_DATABASE_URL ? "" : " — skipped: TEST_DATABASE_URL unset";

describe.concurrent("keyhaven serve on PostgreSQL", () => {
  pgIt(`starts on PostgreSQL in a schema of its own and reports "database":"postgres"${pgSuffix}`, SEQUENTIAL_STARTS, async ({ expect, onTestFinished }) => {
    const schema = `kh_startup_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    onTestFinished(async () => {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    });
    await admin.query(`create schema "${schema}"`);

    const keyA = randomBytes(32).toString("base64");
    const databaseUrl = urlWithSchema(TEST_DATABASE_URL!, schema);
    const { dir, port, env } = await serveSetup({ DATABASE_URL: databaseUrl, KEYHAVEN_MASTER_KEY: keyA });

    const server = await startServer(dir, env);
    onTestFinished(() => server.kill());
    expect(await health(port)).toEqual({ status: 200, body: { status: "ok", database: "postgres" } });
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
    // The tables landed in this run's schema, so two runs cannot collide.
    const tables = await admin.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = $1",
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toContain("master_key_checks");
    const checks = await admin.query(`select count(*)::int as n from "${schema}".master_key_checks`);
    expect(checks.rows[0].n).toBe(1);
    expect((await server.stop("SIGTERM")).code).toBe(0);

    // The key check is stored in PostgreSQL too.
    const wrong = await runCli(["serve"], {
      cwd: dir,
      env: { ...env, KEYHAVEN_MASTER_KEY: randomBytes(32).toString("base64") },
    });
    expectStartupFailure(wrong, EXIT.MASTER_KEY_MISMATCH, /master key does not match/);
  });
});
