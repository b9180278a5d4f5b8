/**
 * `keyhaven audit verify` as an operator runs it (the real entry point, a child process) on
 * both databases: exit 0 with the count on an intact chain; exit 1 and one line naming the
 * first bad event once a stored row is edited; a usage error for anything else.
 */
import { afterAll, expect, it } from "vitest";
import { appendAuditEvents } from "../../src/audit/audit-store.js";
import { pruneAuditLog } from "../../src/audit/audit-retention.js";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase, urlWithSchema } from "../support/databases.js";
import { cliEnv, killAll, removeTempDirs, runCli } from "../startup/run-cli.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

describeEachDatabase("keyhaven audit verify", (dialect) => {
  let tdb: TestDatabase;
  afterAll(() => tdb?.drop());

  it("0 with the count, then 1 naming the edited event, as one line", { timeout: 120_000 }, async () => {
    tdb = createTestDatabase(dialect);
    const rt = await tdb.runtime();
    await rt.database.db.transaction().execute((trx) =>
      appendAuditEvents(
        trx,
        Array.from({ length: 12 }, (_, i) => ({ action: "key.update" as const, actor: { type: "user" as const, id: "u1", label: "Ada" }, details: { i } })),
        new Date().toISOString(),
      ),
    );
    const env = cliEnv({
      KEYHAVEN_DATA_DIR: tdb.dataDir,
      KEYHAVEN_MASTER_KEY: tdb.masterKey,
      DATABASE_URL: dialect === "postgres" ? urlWithSchema(TEST_DATABASE_URL!, tdb.pgSchema!) : undefined,
      LOG_LEVEL: "warn",
    });
    const ok = await runCli(["audit", "verify"], { cwd: tdb.dataDir, env });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe("audit log verified: 12 events, chain intact");

    const original = await rt.database.db.selectFrom("audit_events").select("details").where("seq", "=", 7).executeTakeFirstOrThrow();
    await rt.database.db.updateTable("audit_events").set({ details: JSON.stringify({ i: 99 }) }).where("seq", "=", 7).execute();
    const bad = await runCli(["audit", "verify"], { cwd: tdb.dataDir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^keyhaven: audit log does not verify at event #7 \(evt_[\w-]+\): event #7 was changed after it was written; 6 events before it verified\n$/);
    expect(bad.stdout).toBe("");

    // Put it back, prune everything (retention) and verify again: from the checkpoint, the prune event alone.
    await rt.database.db.updateTable("audit_events").set(original).where("seq", "=", 7).execute();
    await pruneAuditLog(rt.database.db, { before: new Date(Date.now() + 60_000), at: () => new Date(), retentionDays: 1 });
    const pruned = await runCli(["audit", "verify"], { cwd: tdb.dataDir, env });
    expect(pruned.stdout.trim()).toBe("audit log verified: 1 event checked from checkpoint at seq 12, chain intact");
    expect(pruned.code).toBe(0);

    const usage = await runCli(["audit", "check"], { cwd: tdb.dataDir, env });
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('unknown audit command "check"');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });
});
