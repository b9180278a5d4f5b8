/**
 * `kill -9` in the middle of `keyhaven restore` leaves the target empty, never half-written: the
 * restore writes in one transaction, and a process that dies before its commit leaves nothing a
 * reader can see (SQLite: the WAL frames without a commit are ignored; PostgreSQL: the server
 * rolls back the transaction of a connection that went away). A later restore then needs no
 * --force. The real CLI as a child process, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 *
 * When to kill: the restore reads the backup file as it writes (a few stream buffers ahead), so
 * once the child's read offset on the file — /proc/<pid>/fdinfo, Linux — is past 40 % of it,
 * thousands of rows are in its open transaction. That the transaction is open and has written is
 * also checked from outside before the kill: on SQLite another connection cannot take the write
 * lock; on PostgreSQL the child's connection (found by its application_name) has a transaction id.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { backupFileStream } from "../../src/backup/backup-file.js";
import { firstNonEmptyTable } from "../../src/backup/restore-writer.js";
import { SQLITE_FILE_NAME } from "../../src/db/connect.js";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, urlWithSchema, type TestDatabase, type TestDialect } from "../support/databases.js";
import { seedOwners } from "../keys/rotation-fixtures.js";
import { cliEnv, killAll, removeTempDirs, runCli, startCli, tempDir } from "../startup/run-cli.js";

const PASSPHRASE = "a long backup passphrase, twelve+";
/** Owners with one key each: a restore of several seconds (~15 MB of backup) even on a fast machine. */
const OWNERS = 15_000;
/** Kill once the child has read this share of the file. */
const KILL_AT = 0.4;

let dir: string;
let passFile: string;
let backupFile: string;
let source: TestDatabase;
const targets: TestDatabase[] = [];

beforeAll(async () => {
  dir = tempDir("keyhaven-restore-kill-");
  passFile = path.join(dir, "passphrase");
  fs.writeFileSync(passFile, `${PASSPHRASE}\n`);
  backupFile = path.join(dir, "instance.khbackup");
  source = createTestDatabase("sqlite");
  const rt = await source.runtime();
  await seedOwners(rt, OWNERS);
  await pipeline(backupFileStream(rt.database, rt.keyring, PASSPHRASE), fs.createWriteStream(backupFile));
  await rt.close();
}, 120_000);

afterAll(async () => {
  await killAll();
  await source?.drop();
  for (const t of targets) await t.drop();
  removeTempDirs();
});

/** An empty target (for PostgreSQL a schema of its own; the CLI migrates it as a first start does). */
async function freshTarget(dialect: TestDialect): Promise<TestDatabase> {
  const tdb = createTestDatabase(dialect);
  targets.push(tdb);
  if (tdb.pgSchema) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`create schema "${tdb.pgSchema}"`);
    await client.end();
  }
  return tdb;
}

/** How far `pid` has read `file` (its descriptor's offset), or undefined while it has it not open. */
function readOffset(pid: number, file: string): number | undefined {
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (target !== file) continue;
      const pos = /^pos:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"));
      if (pos) return Number(pos[1]);
    }
  } catch {
    // the process is gone
  }
  return undefined;
}

async function counts(tdb: TestDatabase): Promise<{ empty: boolean; rows: Record<string, number> }> {
  const rt = await tdb.runtime();
  try {
    const db = rt.database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const rows: Record<string, number> = {};
    for (const table of ["user", "data_keys", "api_keys", "audit_events"]) {
      rows[table] = Number((await db.selectFrom(table).select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
    }
    return { empty: (await firstNonEmptyTable(rt.database.db)) === undefined, rows };
  } finally {
    await rt.close();
  }
}

describeEachDatabase("keyhaven restore killed with SIGKILL while writing", (dialect) => {
  it("leaves the target empty, and a later restore into it succeeds without --force", async () => {
    const tdb = await freshTarget(dialect);
    const appName = `kh_restore_kill_${randomBytes(4).toString("hex")}`;
    const databaseUrl = tdb.pgSchema ? `${urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema)}&application_name=${appName}` : undefined;
    const env = cliEnv({ KEYHAVEN_DATA_DIR: tdb.dataDir, KEYHAVEN_MASTER_KEY: tdb.masterKey, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" });
    const size = fs.statSync(backupFile).size;

    const proc = startCli(["restore", backupFile, "--passphrase-file", passFile], { cwd: dir, env });
    const pid = proc.child.pid!;
    const deadline = Date.now() + 90_000;
    let offset = 0;
    for (;;) {
      offset = readOffset(pid, backupFile) ?? offset;
      if (offset >= KILL_AT * size) break;
      const exited = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r(undefined), 5))]);
      expect(exited, `the restore ended before ${KILL_AT * 100} % of the file was read: make the backup larger\n${proc.stderr}`).toBeUndefined();
      expect(Date.now(), `the restore read only ${offset} of ${size} bytes in 90 s`).toBeLessThan(deadline);
    }

    // Rows are being written, in a transaction not committed yet.
    if (dialect === "sqlite") {
      const probe = new SQLite(path.join(tdb.dataDir, SQLITE_FILE_NAME), { timeout: 0 });
      try {
        expect(() => probe.exec("begin immediate"), "another connection took the write lock: the restore holds no open write transaction").toThrow(/database is locked|SQLITE_BUSY/);
      } finally {
        if (probe.inTransaction) probe.exec("rollback");
        probe.close();
      }
    } else {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_stat_activity where application_name = $1 and backend_xid is not null", [appName]);
        expect(Number(rows[0].n), "the restore's connection has no write transaction open").toBe(1);
      } finally {
        await client.end();
      }
    }

    const killed = await proc.stop("SIGKILL", 30_000);
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).not.toMatch(/restored/);

    const after = await counts(tdb);
    expect(after.rows).toEqual({ user: 0, data_keys: 0, api_keys: 0, audit_events: 0 });
    expect(after.empty, "a table a restore writes holds rows").toBe(true);

    // Nothing to replace: no --force needed, and everything arrives.
    const again = await runCli(["restore", backupFile, "--passphrase-file", passFile], { cwd: dir, env, timeoutMs: 90_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^restored \\d+ rows \\(0 users, ${OWNERS} keys, `));
    const restored = await counts(tdb);
    expect(restored.rows.api_keys).toBe(OWNERS);
    expect(restored.rows.data_keys).toBe(OWNERS);
  }, 180_000);
});
