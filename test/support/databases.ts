/**
 * The same integration suite runs on SQLite (a real file in a temp dir) and, when
 * TEST_DATABASE_URL is set, PostgreSQL in a schema of its own, so two runs cannot collide.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import pg from "pg";
import { loadConfig, type Config } from "../../src/platform/config.js";
import { generateMasterKeyBase64 } from "../../src/crypto/master-keyring.js";
import { createLogger } from "../../src/platform/logger.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../src/app/compose.js";

export type TestDialect = "sqlite" | "postgres";
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

// CI's second Node version (KEYHAVEN_REPEAT_RUN=on) runs the SQLite half only: the PostgreSQL half
// ran on the first, and what differs between Node versions is the SQLite addon, built per version,
// not the pg driver (plain JavaScript). It halves the second run, which kept CI under its 30 minutes.
const repeatRun = process.env.KEYHAVEN_REPEAT_RUN === "on";

export const DIALECTS: { name: TestDialect; enabled: boolean }[] = [
  { name: "sqlite", enabled: true },
  ...(repeatRun ? [] : [{ name: "postgres" as const, enabled: Boolean(TEST_DATABASE_URL) }]),
];

/** `describe` once per database; the PostgreSQL block is visibly skipped without TEST_DATABASE_URL. */
export function describeEachDatabase(title: string, fn: (dialect: TestDialect) => void): void {
  for (const d of DIALECTS) {
    const block = d.enabled ? describe : describe.skip;
    block(`${title} [${d.name}${d.enabled ? "" : " — skipped: TEST_DATABASE_URL unset"}]`, () => fn(d.name));
  }
}

export function tempDir(prefix = "keyhaven-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestDatabase {
  dialect: TestDialect;
  dataDir: string;
  pgSchema?: string;
  masterKey: string;
  config(overrides?: Record<string, string | undefined>): Config;
  /** Open a runtime on this database (may be called again, e.g. to restart). */
  runtime(overrides?: Record<string, string | undefined>, opts?: Pick<RuntimeOptions, "now" | "lookup">): Promise<Runtime>;
  drop(): Promise<void>;
}

export function createTestDatabase(dialect: TestDialect): TestDatabase {
  const dataDir = tempDir();
  const pgSchema = dialect === "postgres" ? `kh_test_${randomBytes(6).toString("hex")}` : undefined;
  const masterKey = generateMasterKeyBase64();
  const env = (overrides: Record<string, string | undefined> = {}) => ({
    NODE_ENV: "test",
    KEYHAVEN_DATA_DIR: dataDir,
    KEYHAVEN_MASTER_KEY: masterKey,
    DATABASE_URL: dialect === "postgres" ? TEST_DATABASE_URL : undefined,
    ...overrides,
  });
  const opened: Runtime[] = [];
  return {
    dialect,
    dataDir,
    pgSchema,
    masterKey,
    config: (overrides) => loadConfig(env(overrides)),
    async runtime(overrides, opts) {
      const rt = await createRuntime(loadConfig(env(overrides)), createLogger("silent"), { pgSchema, now: opts?.now, lookup: opts?.lookup });
      opened.push(rt);
      return rt;
    },
    async drop() {
      await Promise.all(opened.map((rt) => rt.close().catch(() => {})));
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (pgSchema && TEST_DATABASE_URL) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`drop schema if exists "${pgSchema}" cascade`);
        await client.end();
      }
    },
  };
}

/**
 * A PostgreSQL URL whose connections work in `schema` (`options=-c search_path=…`): how a child
 * process (the CLI, a second server) is pointed at a test's own schema.
 */
export function urlWithSchema(base: string, schema: string): string {
  const [withoutHash] = base.split("#");
  const sep = withoutHash.includes("?") ? "&" : "?";
  return `${withoutHash}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
