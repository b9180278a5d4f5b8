/**
 * Scheduled backups (backup/backup-scheduler.ts) on both databases, on a test clock: a due
 * backup is written, read back and restorable; not due, nothing; the newest KEEP files are kept
 * and nothing else in the directory is touched; a failure is recorded with its error and
 * flagged to admins; two servers on one database back up once per interval between them; and
 * GET /api/admin/backups (admins only).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackupScheduler, type BackupAttempt, type BackupScheduler, type BackupSchedule } from "../../src/backup/backup-scheduler.js";
import { snapshotRecordsOf } from "../../src/backup/backup-file.js";
import { listBackupFiles } from "../../src/backup/backup-dir.js";
import { backupAlert, nextBackupDue, type ScheduleState } from "../../src/backup/backup-schedule.js";
import type { BackupRun } from "../../src/backup/backup-runs.js";
import { restoreSnapshot } from "../../src/backup/restore-writer.js";
import type { Runtime } from "../../src/app/compose.js";
import { createLogger } from "../../src/platform/logger.js";
import { backupStatusSchema } from "../../src/shared/api-schemas.js";
import { createTestDatabase, describeEachDatabase, tempDir } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { FAST_KDF } from "../crypto/backup-streams.js";

const HOUR = 3_600_000;
const PASSPHRASE = "scheduled backups passphrase";
const NOT_ADMIN = { code: "FORBIDDEN", message: "Only an instance admin may do that" };
/** The server's own checks never fire during a test: the tests look when they move the clock. */
const QUIET = { encryption: { kdf: FAST_KDF }, checkMs: 10 * HOUR };

function testClock(start = "2026-11-29T12:00:00.000Z") {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

function passphraseFile(): string {
  const file = path.join(tempDir("keyhaven-pass-"), "backup-pass");
  fs.writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
  return file;
}

function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger("info", { write: (line: string) => void lines.push(line) }) };
}

/** A scheduler on `rt` that only looks when told (runNow). */
function schedulerOn(rt: Runtime, schedule: BackupSchedule, now: () => Date, logger = createLogger("silent"), instance = "test-a"): BackupScheduler {
  return createBackupScheduler({ database: rt.database, keyring: rt.keyring, schedule, passphrase: PASSPHRASE, now, logger, instance, encryption: { kdf: FAST_KDF } });
}

const ran = (a: BackupAttempt) => (a.ran ? a.run : undefined);

/** Polls the admin status until the server's backup at start has an outcome. */
async function settledStatus(h: HttpApp, admin: SignedUpUser): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const body = await jsonOf(await h.request("GET", "/api/admin/backups", { cookie: admin.cookie }), 200);
    if (body.last && body.last.status !== "running") return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the backup at start never finished");
}

describeEachDatabase("scheduled backups", (dialect) => {
  describe("one server", () => {
    const clock = testClock();
    let h: HttpApp;
    let user: SignedUpUser;
    let dir: string;
    const value = openaiKey();
    const { lines, logger } = capturingLogger();
    let scheduler: BackupScheduler;

    beforeAll(async () => {
      h = await createHttpApp(dialect, { now: clock.now });
      user = await h.signUp();
      await h.createKey(user, { name: "scheduled", service: "openai", value });
      dir = path.join(tempDir("keyhaven-backups-"), "nested", "backups");
      scheduler = schedulerOn(h.runtime, { dir, everyHours: 1, keep: 3 }, clock.now, logger);
    });
    afterAll(async () => {
      await scheduler?.stop();
      await h?.close();
    });

    it("writes a due backup (creating the directory) that decodes whole and restores, records it and audits it", async () => {
      const run = ran(await scheduler.runNow());
      expect(run).toMatchObject({ status: "ok", file: "keyhaven-2026-11-29T120000Z.khbk", error: null });
      const file = path.join(dir, run!.file!);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(dir)).toEqual([run!.file]);

      // Restores into an empty database, where the key opens.
      const target = createTestDatabase(dialect);
      try {
        const rt = await target.runtime();
        const report = await restoreSnapshot(rt.database, rt.keyring, snapshotRecordsOf(fs.createReadStream(file), PASSPHRASE));
        expect(report.keysVerified).toBe(1);
        expect(Object.values(report.counts).reduce((x, y) => x + y, 0)).toBe(run!.rows);
      } finally {
        await target.drop();
      }

      const row = await h.runtime.database.db.selectFrom("backup_runs").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "ok", file: run!.file, instance: "test-a", error: null, started_at: "2026-11-29T12:00:00.000Z" });
      expect(Number(row.bytes)).toBe(fs.statSync(file).size);

      const events = await h.runtime.database.db.selectFrom("audit_events").selectAll().where("action", "=", "backup.export").execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor_type: "system", actor_id: "backup", actor_label: "scheduled backups", target_id: run!.file });
      expect(JSON.parse(events[0].details)).toMatchObject({ file: run!.file, rows: run!.rows, bytes: Number(row.bytes), scheduled: true, verified: true });

      const info = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "scheduled backup written and verified");
      expect(info).toHaveLength(1);
      expect(info[0]).toMatchObject({ file: run!.file, rows: run!.rows });
    });

    it("does nothing until the interval has passed", async () => {
      clock.advance(HOUR - 1);
      expect(await scheduler.runNow()).toEqual({ ran: false });
      expect(listBackupFiles(dir)).toHaveLength(1);
    });

    it("keeps the newest KEEP backup files and touches nothing else in the directory", async () => {
      fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
      fs.writeFileSync(path.join(dir, "keyhaven-manual.khbk"), "an operator's copy");
      fs.writeFileSync(path.join(dir, "keyhaven-2020-01-01T000000Z.khbk.partial-abc123"), "left by a crash");
      const written: string[] = [];
      for (let i = 0; i < 4; i++) {
        clock.advance(i === 0 ? 1 : HOUR);
        const run = ran(await scheduler.runNow());
        expect(run?.status).toBe("ok");
        written.push(run!.file!);
      }
      expect(listBackupFiles(dir)).toEqual(written.slice(1).reverse());
      expect(fs.readdirSync(dir).sort()).toEqual(
        [...written.slice(1), "notes.txt", "keyhaven-manual.khbk", "keyhaven-2020-01-01T000000Z.khbk.partial-abc123"].sort(),
      );
    });

    it("never logs or records the passphrase", async () => {
      const rows = await h.runtime.database.db.selectFrom("backup_runs").selectAll().execute();
      expect(rows.filter((r) => r.status === "ok")).toHaveLength(5);
      expect(JSON.stringify(rows) + lines.join("\n")).not.toContain(PASSPHRASE);
    });
  });

  describe("two servers on one database", () => {
    const clock = testClock();
    let h: HttpApp;
    let a: BackupScheduler;
    let b: BackupScheduler;
    const dirs = { a: "", b: "" };

    beforeAll(async () => {
      h = await createHttpApp(dialect, { now: clock.now });
      await h.signUp();
      // The second server's runtime: its own connection (SQLite) or pool (PostgreSQL); no pruning at its start (see test/teams/invitation-mail.http.test.ts).
      const second = await h.tdb.runtime({ KEYHAVEN_AUDIT_RETENTION_DAYS: "forever" }, { now: clock.now });
      dirs.a = tempDir("keyhaven-backups-a-");
      dirs.b = tempDir("keyhaven-backups-b-");
      a = schedulerOn(h.runtime, { dir: dirs.a, everyHours: 1, keep: 5 }, clock.now, undefined, "server-a");
      b = schedulerOn(second, { dir: dirs.b, everyHours: 1, keep: 5 }, clock.now, undefined, "server-b");
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await h?.close();
    });

    it("one backup per interval between them", async () => {
      for (let period = 0; period < 3; period++) {
        const attempts = await Promise.all([a.runNow(), b.runNow(), a.runNow(), b.runNow()]);
        expect(attempts.filter((x) => x.ran).map((x) => ran(x)?.status)).toEqual(["ok"]);
        clock.advance(HOUR);
      }
      expect(listBackupFiles(dirs.a).length + listBackupFiles(dirs.b).length).toBe(3);
      const rows = await h.runtime.database.db.selectFrom("backup_runs").select(["status", "instance"]).execute();
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.status === "ok")).toBe(true);
    });
  });

  describe("a run whose server went away", () => {
    const clock = testClock();
    let h: HttpApp;
    let admin: SignedUpUser;
    let scheduler: BackupScheduler;

    beforeAll(async () => {
      h = await createHttpApp(dialect, { now: clock.now });
      admin = await h.signUp();
      scheduler = schedulerOn(h.runtime, { dir: tempDir("keyhaven-backups-"), everyHours: 1, keep: 3 }, clock.now);
      // A run claimed an hour ago by a server that then died: no outcome will ever come.
      await h.runtime.database.db
        .insertInto("backup_runs")
        .values({ id: "bkr_crashed", follows: "", started_at: "2026-11-29T11:00:00.000Z", finished_at: null, status: "running", file: null, bytes: null, rows: null, error: null, instance: "gone:1" })
        .execute();
    });
    afterAll(async () => {
      await scheduler?.stop();
      await h?.close();
    });

    it("holds its claim for two hours, is then flagged and taken over", async () => {
      expect(await scheduler.runNow()).toEqual({ ran: false });
      const status = await jsonOf(await h.request("GET", "/api/admin/backups", { cookie: admin.cookie }), 200);
      expect(status).toMatchObject({ enabled: false, last: { status: "running", startedAt: "2026-11-29T11:00:00.000Z" } });

      clock.advance(HOUR);
      const run = ran(await scheduler.runNow());
      expect(run?.status).toBe("ok");
      const crashed = await h.runtime.database.db.selectFrom("backup_runs").selectAll().where("id", "=", "bkr_crashed").executeTakeFirstOrThrow();
      expect(crashed).toMatchObject({ status: "failed", error: "no result after 120 minutes: its server stopped or lost the database" });
    });
  });

  describe("a server stopping during a backup", () => {
    const clock = testClock();
    let h: HttpApp;

    beforeAll(async () => {
      h = await createHttpApp(dialect, { now: clock.now });
      await h.signUp();
    });
    afterAll(() => h?.close());

    it("cancels it: no partial file left, the run recorded as stopped, the database closes", async () => {
      const dir = tempDir("keyhaven-backups-");
      // The real key derivation (about a second): the stop lands while the file is being written.
      const scheduler = createBackupScheduler({ database: h.runtime.database, keyring: h.runtime.keyring, schedule: { dir, everyHours: 1, keep: 3 }, passphrase: PASSPHRASE, now: clock.now, logger: createLogger("silent") });
      const attempt = scheduler.runNow();
      for (let i = 0; i < 2000 && !fs.readdirSync(dir).some((n) => n.includes(".partial-")); i++) await new Promise((r) => setTimeout(r, 1));
      expect(fs.readdirSync(dir).some((n) => n.includes(".partial-"))).toBe(true);
      await scheduler.stop();
      expect(ran(await attempt)).toMatchObject({ status: "failed", error: "the server stopped during the backup" });
      expect(fs.readdirSync(dir)).toEqual([]);
      const row = await h.runtime.database.db.selectFrom("backup_runs").selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "failed", error: "the server stopped during the backup" });
    });
  });

  describe("a backup that fails", () => {
    const clock = testClock();
    let h: HttpApp;
    let admin: SignedUpUser;
    let dir: string;

    beforeAll(async () => {
      // A directory that cannot be created: a path under a regular file (root ignores permissions).
      const base = tempDir("keyhaven-backups-");
      fs.writeFileSync(path.join(base, "a-file"), "x");
      dir = path.join(base, "a-file", "backups");
      h = await createHttpApp(dialect, {
        now: clock.now,
        logLevel: "info",
        env: { KEYHAVEN_BACKUP_DIR: dir, KEYHAVEN_BACKUP_PASSPHRASE_FILE: passphraseFile() },
        app: { backupScheduler: QUIET },
      });
      admin = await h.signUp();
    });
    afterAll(() => h?.close());

    it("is recorded as failed with its error, flagged to admins, and logged once as an error", async () => {
      const status = await settledStatus(h, admin);
      expect(backupStatusSchema.parse(status)).toEqual(status);
      expect(status).toMatchObject({ enabled: true, dir, everyHours: 24, keep: 7 });
      expect(status.last).toMatchObject({ status: "failed", file: null, bytes: null, rows: null, startedAt: "2026-11-29T12:00:00.000Z" });
      expect(status.last.error).toMatch(/ENOTDIR/);
      expect(status.alert).toContain("failed");
      expect(status.alert).toContain(status.last.error);
      // Retried an hour later.
      expect(status.nextDueAt).toBe("2026-11-29T13:00:00.000Z");

      const errors = h.logRecords().filter((l) => l.msg === "scheduled backup failed");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ level: 50, dir });
      expect(h.logs.join("\n")).not.toContain(PASSPHRASE);
      expect(await h.runtime.database.db.selectFrom("audit_events").select("id").where("action", "=", "backup.export").execute()).toHaveLength(0);
    });
  });

  describe("GET /api/admin/backups", () => {
    const clock = testClock();
    let h: HttpApp;
    let admin: SignedUpUser;
    let bob: SignedUpUser;
    let dir: string;

    beforeAll(async () => {
      dir = tempDir("keyhaven-backups-");
      h = await createHttpApp(dialect, {
        now: clock.now,
        env: { KEYHAVEN_BACKUP_DIR: dir, KEYHAVEN_BACKUP_PASSPHRASE_FILE: passphraseFile(), KEYHAVEN_BACKUP_EVERY_HOURS: "6", KEYHAVEN_BACKUP_KEEP: "2" },
        app: { backupScheduler: QUIET },
      });
      admin = await h.signUp();
      bob = await h.signUp();
    });
    afterAll(() => h?.close());

    it("answers an admin the settings, the backup taken at start and when the next is due", async () => {
      const status = await settledStatus(h, admin);
      expect(backupStatusSchema.parse(status)).toEqual(status);
      expect(status).toMatchObject({ enabled: true, dir, everyHours: 6, keep: 2, nextDueAt: "2026-11-29T18:00:00.000Z", alert: null });
      expect(status.last).toMatchObject({ status: "ok", file: "keyhaven-2026-11-29T120000Z.khbk", error: null, startedAt: "2026-11-29T12:00:00.000Z" });
      expect(status.last.bytes).toBe(fs.statSync(path.join(dir, status.last.file)).size);
    });

    it("flags backups overdue once the next is well past due", async () => {
      clock.advance(6 * HOUR + 30 * 60_000);
      expect((await jsonOf(await h.request("GET", "/api/admin/backups", { cookie: admin.cookie }), 200)).alert).toBeNull();
      clock.advance(HOUR);
      const status = await jsonOf(await h.request("GET", "/api/admin/backups", { cookie: admin.cookie }), 200);
      expect(status.alert).toMatch(/^Scheduled backups are overdue: the last one was taken 2026-11-29T12:00:00.000Z, the next was due 2026-11-29T18:00:00.000Z$/);
    });

    it("403 for a signed-in user who is not an admin", async () => {
      await expectError(await h.request("GET", "/api/admin/backups", { cookie: bob.cookie }), 403, NOT_ADMIN);
    });
  });

  describe("with scheduled backups off", () => {
    let h: HttpApp;
    let admin: SignedUpUser;
    beforeAll(async () => {
      h = await createHttpApp(dialect);
      admin = await h.signUp();
    });
    afterAll(() => h?.close());

    it("says so", async () => {
      expect(await jsonOf(await h.request("GET", "/api/admin/backups", { cookie: admin.cookie }), 200)).toEqual({
        enabled: false,
        dir: null,
        everyHours: null,
        keep: null,
        last: null,
        nextDueAt: null,
        alert: null,
      });
    });
  });
});

describe("when a backup is due, and what is flagged", () => {
  const run = (status: BackupRun["status"], startedAt: string, error: string | null = null): BackupRun => ({
    id: `bkr_${startedAt}`,
    startedAt,
    finishedAt: status === "running" ? null : startedAt,
    status,
    file: null,
    bytes: null,
    rows: null,
    error,
    instance: "host:1",
  });
  const state = (s: Partial<ScheduleState>): ScheduleState => ({ last: undefined, lastOk: undefined, newestFileAt: undefined, intervalMs: 24 * HOUR, ...s });
  const at = (iso: string) => new Date(iso);

  it("nothing yet: due at once, nothing flagged", () => {
    expect(nextBackupDue(state({}))).toBeUndefined();
    expect(backupAlert(state({}), at("2026-11-29T12:00:00Z"))).toBeNull();
  });

  it("an interval after the newest backup, its run's or a file's in the directory", () => {
    const ok = run("ok", "2026-11-29T00:00:00.000Z");
    expect(nextBackupDue(state({ last: ok, lastOk: ok }))?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(nextBackupDue(state({ last: ok, lastOk: ok, newestFileAt: at("2026-11-29T06:00:00Z") }))?.toISOString()).toBe("2026-11-30T06:00:00.000Z");
    expect(nextBackupDue(state({ newestFileAt: at("2026-11-29T06:00:00Z") }))?.toISOString()).toBe("2026-11-30T06:00:00.000Z");
    // Overdue only an hour past due (a check every few minutes, a backup takes a while).
    expect(backupAlert(state({ last: ok, lastOk: ok }), at("2026-11-30T01:00:00Z"))).toBeNull();
    expect(backupAlert(state({ last: ok, lastOk: ok }), at("2026-11-30T01:00:01Z"))).toBe(
      "Scheduled backups are overdue: the last one was taken 2026-11-29T00:00:00.000Z, the next was due 2026-11-30T00:00:00.000Z",
    );
  });

  it("a failure: retried after an hour, flagged with its error until a backup succeeds", () => {
    const ok = run("ok", "2026-11-28T00:00:00.000Z");
    const failed = run("failed", "2026-11-29T00:00:00.000Z", "ENOSPC: no space left on device, write");
    const s = state({ last: failed, lastOk: ok });
    expect(nextBackupDue(s)?.toISOString()).toBe("2026-11-29T01:00:00.000Z");
    expect(backupAlert(s, at("2026-11-29T00:00:01Z"))).toBe(
      "The last scheduled backup (started 2026-11-29T00:00:00.000Z) failed: ENOSPC: no space left on device, write",
    );
  });

  it("a run under way: nothing due until its claim goes stale, then flagged", () => {
    const running = run("running", "2026-11-29T00:00:00.000Z");
    const s = state({ last: running });
    expect(nextBackupDue(s)?.toISOString()).toBe("2026-11-29T02:00:00.000Z");
    expect(backupAlert(s, at("2026-11-29T01:59:59Z"))).toBeNull();
    expect(backupAlert(s, at("2026-11-29T02:00:00Z"))).toBe("The scheduled backup started 2026-11-29T00:00:00.000Z on host:1 never finished");
  });
});
