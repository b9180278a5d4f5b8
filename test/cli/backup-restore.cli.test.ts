/**
 * `keyhaven backup` and `keyhaven restore` as an operator runs them (the real entry point, child
 * processes): a populated SQLite instance backed up, restored into a fresh PostgreSQL schema under
 * another master key and back into a fresh SQLite data dir, every value equal; a wrong passphrase,
 * a flipped byte and a cut file refused with one line and nothing written; a non-empty target
 * and an existing file refused without --force; an interrupted backup leaves no file under its name.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";
import type { Runtime } from "../../src/app/compose.js";
import { verifyAuditChain } from "../../src/audit/audit-store.js";
import { createTestDatabase, TEST_DATABASE_URL, urlWithSchema, type TestDatabase, type TestDialect } from "../support/databases.js";
import { anthropicKey, createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { addMember, createTeam, createTeamKey, type TestTeam } from "../support/teams.js";
import { BACKUP_HEADER_BYTES } from "../../src/crypto/backup-header.js";
import { createBackupEncryptor, DEFAULT_CHUNK_SIZE } from "../../src/crypto/backup-stream.js";
import { seedOwners } from "../keys/rotation-fixtures.js";
import { cliEnv, expectStartupFailure, killAll, removeTempDirs, runCli, startCli, tempDir, type ExitResult } from "../startup/run-cli.js";

const PASSPHRASE = "a long backup passphrase, twelve+";
/** PostgreSQL when the run has it, else the round trip goes SQLite → SQLite. */
/** Owners with one key each, besides the people above. */
const SEEDED = 400;
const OTHER: TestDialect = TEST_DATABASE_URL ? "postgres" : "sqlite";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

/** A fresh target: for PostgreSQL an empty schema of its own (the CLI migrates it, as a first start does). */
async function freshTarget(dialect: TestDialect): Promise<TestDatabase> {
  const tdb = createTestDatabase(dialect);
  if (tdb.pgSchema) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`create schema "${tdb.pgSchema}"`);
    await client.end();
  }
  return tdb;
}

const envFor = (tdb: TestDatabase) =>
  cliEnv({
    KEYHAVEN_DATA_DIR: tdb.dataDir,
    KEYHAVEN_MASTER_KEY: tdb.masterKey,
    DATABASE_URL: tdb.pgSchema ? urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema) : undefined,
    LOG_LEVEL: "warn",
  });

async function rowCount(rt: Runtime, table: string): Promise<number> {
  const db = rt.database.db as unknown as Kysely<any>;
  return Number((await db.selectFrom(table).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
}

describe("keyhaven backup / restore", () => {
  let src: HttpApp;
  let alice: SignedUpUser;
  let team: TestTeam;
  const values = { main: openaiKey(), claude: anthropicKey(), team: openaiKey() };
  const targets: TestDatabase[] = [];
  let dir: string;
  let passFile: string;
  let backupFile: string;

  const cli = (tdb: TestDatabase, args: string[]) => runCli(args, { cwd: dir, env: envFor(tdb), timeoutMs: 60_000 });
  const restore = (tdb: TestDatabase, file: string, ...extra: string[]) => cli(tdb, ["restore", file, "--passphrase-file", passFile, ...extra]);
  const noLeak = (r: ExitResult) => {
    for (const v of [...Object.values(values), PASSPHRASE]) expect(r.stdout + r.stderr).not.toContain(v);
  };
  const target = async (dialect: TestDialect) => {
    const t = await freshTarget(dialect);
    targets.push(t);
    return t;
  };

  /** Every value reveals as it was, through a runtime on `tdb` under its own master key. */
  async function expectValues(tdb: TestDatabase): Promise<Runtime> {
    const rt = await tdb.runtime();
    const got = async (owner: { type: "user" | "team"; id: string }, service: "openai" | "anthropic") => (await rt.keys.findUsableKey(LIBRARY_ACTOR, owner, service))?.value;
    expect(await got({ type: "user", id: alice.id }, "openai")).toBe(values.main);
    expect(await got({ type: "user", id: alice.id }, "anthropic")).toBe(values.claude);
    expect(await got({ type: "team", id: team.id }, "openai")).toBe(values.team);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
    return rt;
  }

  beforeAll(async () => {
    dir = tempDir("keyhaven-backup-");
    passFile = path.join(dir, "passphrase");
    fs.writeFileSync(passFile, `${PASSPHRASE}\n`);
    backupFile = path.join(dir, "instance.khbackup");
    src = await createHttpApp("sqlite");
    alice = await src.signUp();
    const bob = await src.signUp();
    const keyId = (await src.createKey(alice, { name: "main", service: "openai", value: openaiKey() })).id;
    await jsonOf(await src.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { value: values.main } }), 200);
    await src.createKey(alice, { name: "claude", service: "anthropic", value: values.claude });
    team = await createTeam(src, alice);
    await addMember(src, alice, team.id, bob);
    await createTeamKey(src, alice, team.id, { name: "shared", service: "openai", value: values.team });
    // Enough rows for a file of several chunks, so a cut one is told apart from a wrong passphrase.
    await seedOwners(src.runtime, SEEDED);
    await src.runtime.usage.flush();
  });
  afterAll(async () => {
    await src?.close();
    for (const t of targets) await t.drop();
  });

  it("backs up the SQLite instance: one summary line, a 0600 file, a backup.export event", async () => {
    const r = await cli(src.tdb, ["backup", "--out", backupFile, "--passphrase-file", passFile]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backup written: \d+ rows \(2 users, 403 keys, 1 team, 0 access tokens, \d+ audit events\), [\d.]+ KB in [\d.]+ s \([\d.]+ MB\/s, \d+ rows\/s\) to .*instance\.khbackup\n$/);
    noLeak(r);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
    const bytes = fs.readFileSync(backupFile);
    for (const v of Object.values(values)) expect(bytes.includes(Buffer.from(v))).toBe(false);
    const [event] = await src.runtime.database.db.selectFrom("audit_events").selectAll().orderBy("seq", "desc").limit(1).execute();
    expect(event).toMatchObject({ action: "backup.export", actor_type: "system", actor_id: "cli" });
    expect(JSON.parse(event.details)).toMatchObject({ file: "instance.khbackup", counts: { user: 2, api_keys: 3 + SEEDED } });
    expect(event.details).not.toContain(PASSPHRASE);
  });

  it("replaces an existing file only with --force", async () => {
    const before = fs.readFileSync(backupFile);
    expectStartupFailure(await cli(src.tdb, ["backup", "--out", backupFile, "--passphrase-file", passFile]), 73, /instance\.khbackup exists; .*--force/);
    expect(fs.readFileSync(backupFile).equals(before)).toBe(true);
    // --force: a fresh backup takes its place (a new salt: other bytes), still 0600.
    const forced = await cli(src.tdb, ["backup", "--out", backupFile, "--passphrase-file", passFile, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(backupFile).equals(before)).toBe(false);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it(`restores into a fresh ${OTHER} database under another master key; every value reveals as it was`, async () => {
    const pgTarget = await target(OTHER);
    expect(pgTarget.masterKey).not.toBe(src.tdb.masterKey);
    const r = await restore(pgTarget, backupFile);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^restored \d+ rows \(2 users, 403 keys, 1 team, /);
    expect(r.stdout).toMatch(/\nverified: 402 data key\(s\), 403 key\(s\), 1 kept version\(s\), \d+ audit event\(s\); everyone signs in again\n$/);
    noLeak(r);
    const rt = await expectValues(pgTarget);
    const [event] = await rt.database.db.selectFrom("audit_events").selectAll().orderBy("seq", "desc").limit(1).execute();
    expect(event).toMatchObject({ action: "backup.import", actor_type: "system", actor_id: "cli" });
    expect(JSON.parse(event.details)).toMatchObject({ file: "instance.khbackup", replaced: false });

    // Not empty any more: refused, one line, nothing changed.
    const events = await rowCount(rt, "audit_events");
    expectStartupFailure(
      await restore(pgTarget, backupFile),
      73,
      "the target database is not empty (2 users, 403 keys); restore into an empty database, or pass --force to replace everything",
    );
    expect(await rowCount(rt, "audit_events")).toBe(events);

    // And back: a backup of the PostgreSQL copy restores into a fresh SQLite data dir.
    const back = path.join(dir, "from-pg.khbackup");
    const b = await cli(pgTarget, ["backup", "--out", back, "--passphrase-file", passFile]);
    expect(b.code, b.stderr).toBe(0);
    const sqliteTarget = await target("sqlite");
    const r2 = await restore(sqliteTarget, back);
    expect(r2.code, r2.stderr).toBe(0);
    await expectValues(sqliteTarget);
  });

  it("--force replaces everything in a non-empty target", async () => {
    const other = await createHttpApp("sqlite");
    targets.push(other.tdb);
    const stranger = await other.signUp();
    await other.createKey(stranger, { name: "theirs", service: "openai", value: openaiKey() });
    await other.close();
    const r = await restore(other.tdb, backupFile, "--force");
    expect(r.code, r.stderr).toBe(0);
    const rt = await expectValues(other.tdb);
    expect(await rt.database.db.selectFrom("user").select("id").where("id", "=", stranger.id).executeTakeFirst()).toBeUndefined();
    expect(await rowCount(rt, "user")).toBe(2);
  });

  describe("a file that cannot be restored: one line, exit 65, the target still empty", () => {
    const cases: [string, () => string | Promise<string>, RegExp][] = [
      [
        "wrong passphrase",
        () => {
          fs.writeFileSync(path.join(dir, "wrong"), "not the passphrase at all\n");
          return backupFile;
        },
        /^keyhaven: wrong passphrase, or the file is damaged; nothing was restored$/,
      ],
      [
        "a flipped byte",
        () => {
          const bytes = fs.readFileSync(backupFile);
          bytes[bytes.length - 40] ^= 0x01;
          fs.writeFileSync(path.join(dir, "flipped.khbackup"), bytes);
          return path.join(dir, "flipped.khbackup");
        },
        /damaged|altered/,
      ],
      [
        "a file cut at a chunk's end",
        () => {
          const bytes = fs.readFileSync(backupFile);
          const oneChunk = BACKUP_HEADER_BYTES + DEFAULT_CHUNK_SIZE + 16;
          expect(bytes.length).toBeGreaterThan(oneChunk + 16);
          fs.writeFileSync(path.join(dir, "cut.khbackup"), bytes.subarray(0, oneChunk));
          return path.join(dir, "cut.khbackup");
        },
        /^keyhaven: the backup file is incomplete: it ends before its last part .*; nothing was restored$/,
      ],
      [
        "a file cut inside a chunk",
        () => {
          const bytes = fs.readFileSync(backupFile);
          fs.writeFileSync(path.join(dir, "cut2.khbackup"), bytes.subarray(0, bytes.length - 100));
          return path.join(dir, "cut2.khbackup");
        },
        /^keyhaven: the backup file is damaged or was altered: .*cut short.*; nothing was restored$/,
      ],
      [
        "a backup from a newer Keyhaven",
        async () => {
          const header = { kind: "keyhaven-backup", formatVersion: 99, createdAt: new Date().toISOString(), source: { dialect: "sqlite", keyhavenVersion: "9.0.0" } };
          const chunks: Buffer[] = [];
          for await (const c of Readable.from([Buffer.from(`${JSON.stringify(header)}\n`)]).pipe(createBackupEncryptor(PASSPHRASE))) chunks.push(c as Buffer);
          fs.writeFileSync(path.join(dir, "newer.khbackup"), Buffer.concat(chunks));
          return path.join(dir, "newer.khbackup");
        },
        /^keyhaven: this backup was written by a newer Keyhaven \(format 99\); upgrade to restore it; nothing was restored$/,
      ],
      [
        "not a backup",
        () => {
          fs.writeFileSync(path.join(dir, "notes.txt"), "hello\n");
          return path.join(dir, "notes.txt");
        },
        /not a Keyhaven backup file/,
      ],
    ];
    for (const [name, make, message] of cases) {
      it(name, async () => {
        const tdb = await target("sqlite");
        const file = await make();
        const r = await cli(tdb, ["restore", file, "--passphrase-file", path.join(dir, name === "wrong passphrase" ? "wrong" : "passphrase")]);
        expectStartupFailure(r, 65, message);
        noLeak(r);
        const rt = await tdb.runtime();
        for (const table of ["user", "api_keys", "data_keys", "audit_events"]) expect(await rowCount(rt, table)).toBe(0);
      });
    }
  });

  it("no passphrase file and no terminal: one line, exit 64", async () => {
    expectStartupFailure(await cli(src.tdb, ["backup", "--out", path.join(dir, "x.khbackup")]), 64, /no passphrase: pass --passphrase-file PATH/);
    expect(fs.existsSync(path.join(dir, "x.khbackup"))).toBe(false);
  });

  describe("stopped mid-write", () => {
    let large: TestDatabase;
    beforeAll(async () => {
      // Large enough that the file is still being written when the signal comes.
      large = createTestDatabase("sqlite");
      targets.push(large);
      const rt = await large.runtime();
      await seedOwners(rt, 15_000);
      await rt.close();
    });

    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      it(`a backup stopped by ${signal} while writing leaves nothing under the file's name`, async () => {
        const name = `stopped-${signal}.khbackup`;
        const out = path.join(dir, name);
        const proc = startCli(["backup", "--out", out, "--passphrase-file", passFile], { cwd: dir, env: envFor(large) });
        const partials = () => fs.readdirSync(dir).filter((f) => f.startsWith(`${name}.partial-`));
        const written = () => partials().reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
        const deadline = Date.now() + 45_000;
        while (written() < 256 * 1024 && Date.now() < deadline && !fs.existsSync(out)) await new Promise((r) => setTimeout(r, 5));
        expect(fs.existsSync(out), "the backup finished before the signal: make the instance larger").toBe(false);
        expect(written()).toBeGreaterThanOrEqual(256 * 1024);
        const r = await proc.stop(signal, 30_000);
        expect(fs.existsSync(out)).toBe(false);
        if (signal === "SIGTERM") {
          expect(r.code).toBe(143);
          expect(r.stderr).toMatch(/^keyhaven: interrupted; no backup was written to .*\n$/);
          // Cleaned up on the way out.
          expect(partials()).toEqual([]);
        } else {
          // Nothing runs after SIGKILL: the partial file stays, under its own name only.
          expect(r.signal).toBe("SIGKILL");
          expect(partials()).toHaveLength(1);
        }
      });
    }
  });
});
