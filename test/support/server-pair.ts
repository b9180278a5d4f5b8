/**
 * Two real server processes (`node bin/keyhaven.mjs serve`) on one database — the same data dir
 * (so one SQLite file), or the same PostgreSQL schema — and one master key, as two replicas
 * behind a balancer. A starts (and migrates) before B, so the two never race on migrations.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect } from "vitest";
import { TEST_DATABASE_URL, type TestDialect, urlWithSchema } from "./databases.js";
import { cliEnv, freePort, killAll, removeTempDirs, startServer, tempDir, type CliProcess } from "../startup/run-cli.js";

/** Two starts from source, on a loaded machine. */
export const TWO_STARTS_MS = 120_000;

export interface PairServer {
  proc: CliProcess;
  url: string;
}

export interface ServerPair {
  a: PairServer;
  b: PairServer;
  dir: string;
  /** What both were started with (data dir, master key, database URL): for a CLI run on the same data. */
  env: Record<string, string>;
}

/** `cleanups` gets the schema drop; the processes are the caller's to kill (run-cli's killAll). */
export async function startServerPair(
  dialect: TestDialect,
  opts: { cleanups: (() => Promise<void>)[]; env?: Record<string, string>; prefix?: string },
): Promise<ServerPair> {
  const dir = tempDir(`keyhaven-${opts.prefix ?? "two"}-`);
  const env: Record<string, string> = { KEYHAVEN_DATA_DIR: dir, KEYHAVEN_MASTER_KEY: randomBytes(32).toString("base64") };
  if (dialect === "postgres") {
    const schema = `kh_${(opts.prefix ?? "two").replace(/\W/g, "_")}_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    opts.cleanups.push(async () => {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    });
    env.DATABASE_URL = urlWithSchema(TEST_DATABASE_URL!, schema);
  }
  const start = async (): Promise<PairServer> => {
    const port = await freePort();
    const proc = await startServer(dir, cliEnv({ ...env, ...opts.env, PORT: String(port) }));
    return { proc, url: `http://localhost:${port}` };
  };
  const a = await start();
  const b = await start();
  expect(a.proc.stdout + b.proc.stdout).toContain(`database: ${dialect}`);
  return { a, b, dir, env };
}

/**
 * For a file of pair tests: stops every process, drops the PostgreSQL schemas and removes the
 * temporary dirs once the file is done. Returns the list `startServerPair` takes as `cleanups`.
 */
export function stopPairsAfterAll(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await killAll();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    removeTempDirs();
  });
  return cleanups;
}

/** A request to one of the pair: a browser's (with its Origin) or a script's with a bearer token (none). */
export async function callPair(server: PairServer, method: string, path: string, opts: { cookie?: string; bearer?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : { origin: server.url };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${server.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

/** The JSON body, asserting the status (the body is shown when it is not). */
export async function pairJson(res: Response, status: number): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}
