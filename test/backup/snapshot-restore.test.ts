/**
 * Backup data: a whole instance read as records from one snapshot (backup/snapshot-reader.ts)
 * and written into a fresh database of the other dialect under another master key
 * (backup/restore-writer.ts), then used through the real app on the target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { readSnapshot } from "../../src/backup/snapshot-reader.js";
import { restoreSnapshot, type RestoreReport } from "../../src/backup/restore-writer.js";
import type { BackupRecord } from "../../src/backup/snapshot-records.js";
import { BACKUP_TABLES, SKIPPED_TABLES, backupTable } from "../../src/backup/snapshot-tables.js";
import { verifyAuditChain } from "../../src/audit/audit-store.js";
import { pruneAuditLog } from "../../src/audit/audit-retention.js";
import type { Runtime } from "../../src/app/compose.js";
import { DIALECTS, type TestDialect } from "../support/databases.js";
import { anthropicKey, cookieHeaderFrom, createHttpApp, DEFAULT_PASSWORD, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { bearerHeader } from "../support/tokens.js";
import { actorFor } from "../support/actors.js";
import { addMember, createTeam, createTeamKey, invite, orgRoute, type TestTeam } from "../support/teams.js";

const enabled = DIALECTS.filter((d) => d.enabled).map((d) => d.name);
/** Each source dialect restored into the other (into itself when only SQLite runs). */
const PAIRS: [TestDialect, TestDialect][] = enabled.map((source) => [source, enabled.find((d) => d !== source) ?? source]);

const snapshotOf = (rt: Runtime, opts?: Parameters<typeof readSnapshot>[2]) => readSnapshot(rt.database, rt.keyring, opts);
const restoreInto = (rt: Runtime, records: AsyncIterable<BackupRecord>, opts?: Parameters<typeof restoreSnapshot>[3]) =>
  restoreSnapshot(rt.database, rt.keyring, records, opts);

/** Passes records through, handing each to `look` first. */
async function* tap(records: AsyncIterable<BackupRecord>, look: (r: BackupRecord) => void): AsyncGenerator<BackupRecord> {
  for await (const r of records) {
    look(r);
    yield r;
  }
}

/** Passes records through and throws after `after` rows: a stream that breaks in the middle. */
async function* breakAfter(records: AsyncIterable<BackupRecord>, after: number): AsyncGenerator<BackupRecord> {
  let rows = 0;
  for await (const r of records) {
    if (r.kind === "row" && ++rows > after) throw new Error("the stream broke");
    yield r;
  }
}

async function* withoutEnd(records: AsyncIterable<BackupRecord>): AsyncGenerator<BackupRecord> {
  for await (const r of records) if (r.kind !== "end") yield r;
}

async function rowCounts(rt: Runtime): Promise<Record<string, number>> {
  const db = rt.database.db as unknown as Kysely<any>;
  const counts: Record<string, number> = {};
  for (const t of BACKUP_TABLES) counts[t.name] = Number((await db.selectFrom(t.name).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
  return counts;
}

async function signIn(h: HttpApp, email: string, password = DEFAULT_PASSWORD): Promise<string> {
  const res = await h.request("POST", "/api/auth/sign-in/email", { body: { email, password } });
  expect(res.status, await res.clone().text()).toBe(200);
  return cookieHeaderFrom(res);
}

const reveal = async (h: HttpApp, cookie: string, id: string) => (await jsonOf(await h.request("GET", `/api/api-keys/${id}?includeValue=true`, { cookie }), 200)).value as string;

for (const [sourceDialect, targetDialect] of PAIRS) {
  describe(`backup data: ${sourceDialect} → ${targetDialect}`, () => {
    let src: HttpApp;
    let alice: SignedUpUser;
    let bob: SignedUpUser;
    let team: TestTeam;
    let token: string;
    const values = { v1: openaiKey(), v2: openaiKey(), v3: openaiKey(), claude: anthropicKey(), team: openaiKey() };
    let keyId: string;
    let claudeId: string;
    let teamKeyId: string;

    beforeAll(async () => {
      src = await createHttpApp(sourceDialect);
      alice = await src.signUp();
      bob = await src.signUp();
      keyId = (await src.createKey(alice, { name: "main", service: "openai", value: values.v1 })).id;
      for (const value of [values.v2, values.v3]) await jsonOf(await src.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { value } }), 200);
      claudeId = (await src.createKey(alice, { name: "claude", service: "anthropic", value: values.claude })).id;
      team = await createTeam(src, alice);
      await addMember(src, alice, team.id, bob);
      await invite(src, alice, team.id, "later@example.com");
      teamKeyId = (await createTeamKey(src, alice, team.id, { name: "shared", service: "openai", value: values.team })).id;
      token = (await jsonOf(await src.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ci", scopes: ["keys:read", "resolve"] } }), 201)).token;
      // Usage: a hand-out through the token, and bob's from the team.
      expect((await jsonOf(await src.request("GET", "/api/resolve/openai", { headers: bearerHeader(token) }), 200)).apiKey).toBe(values.v3);
      expect((await jsonOf(await src.request("GET", "/api/resolve/openai", { cookie: bob.cookie }), 200)).apiKey).toBe(values.team);
      await src.runtime.usage.flush();
    });
    afterAll(() => src?.close());

    describe("into a fresh database under another master key", () => {
      let dst: HttpApp;
      let report: RestoreReport;
      let end: Record<string, number>;
      const progress: number[] = [];

      beforeAll(async () => {
        dst = await createHttpApp(targetDialect);
        expect(dst.tdb.masterKey).not.toBe(src.tdb.masterKey);
        report = await restoreInto(
          dst.runtime,
          tap(snapshotOf(src.runtime), (r) => {
            if (r.kind === "end") end = r.counts;
            // The records carry ciphertexts and data keys, never a key's value.
            const text = JSON.stringify(r);
            for (const v of Object.values(values)) expect(text.includes(v)).toBe(false);
          }),
          { onProgress: (p) => progress.push(p.rows) },
        );
      });
      afterAll(() => dst?.close());

      it("writes every table's rows and verifies them before committing", async () => {
        expect(report.counts).toEqual(end);
        expect(await rowCounts(dst.runtime)).toEqual(end);
        expect(end).toMatchObject({ user: 2, account: 2, organization: 1, member: 2, invitation: 2, data_keys: 2, api_keys: 3, api_key_versions: 2, access_tokens: 1, audit_head: 1 });
        expect(end.usage_daily).toBeGreaterThanOrEqual(2);
        expect(end.usage_by_consumer).toBeGreaterThanOrEqual(1);
        expect(report).toMatchObject({ dataKeysVerified: 2, keysVerified: 3, versionsVerified: 2, auditVerified: end.audit_events });
        expect(progress.at(-1)).toBe(Object.values(end).reduce((a, b) => a + b, 0));
      });

      it("nobody is signed in: sessions are not restored", async () => {
        expect((await dst.request("GET", "/api/api-keys", { cookie: alice.cookie })).status).toBe(401);
      });

      it("the user signs in with their password and reveals every value as it was", async () => {
        const cookie = await signIn(dst, alice.email);
        expect(await reveal(dst, cookie, keyId)).toBe(values.v3);
        expect(await reveal(dst, cookie, claudeId)).toBe(values.claude);
        expect(await jsonOf(await dst.request("GET", `/api/api-keys/${keyId}`, { cookie }), 200)).toMatchObject({ usageCount: 1, maskedValue: `sk-…${values.v3.slice(-4)}` });
      });

      it("an access token still authenticates (its hash was copied) and hands out the key", async () => {
        const answer = await jsonOf(await dst.request("GET", "/api/resolve/openai", { headers: bearerHeader(token) }), 200);
        expect(answer).toMatchObject({ apiKey: values.v3, source: "user", keyId });
      });

      it("team membership and the team hand-out work", async () => {
        const cookie = await signIn(dst, bob.email);
        expect(await jsonOf(await dst.request("GET", "/api/resolve/openai", { cookie }), 200)).toMatchObject({ apiKey: values.team, source: "team", teamId: team.id, keyId: teamKeyId });
        const full = await jsonOf(await dst.request("GET", `${orgRoute("get-full-organization")}?organizationId=${team.id}`, { cookie }), 200);
        expect(full.members.map((m: { userId: string; role: string }) => [m.userId, m.role]).sort()).toEqual([[alice.id, "owner"], [bob.id, "member"]].sort());
      });

      it("versions are kept and a rollback opens an old value", async () => {
        const cookie = await signIn(dst, alice.email);
        const { versions } = await jsonOf(await dst.request("GET", `/api/api-keys/${keyId}/versions`, { cookie }), 200);
        expect(versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[3, true], [2, false], [1, false]]);
        await jsonOf(await dst.request("POST", `/api/api-keys/${keyId}/rollback`, { cookie, body: { version: 1 } }), 200);
        expect(await reveal(dst, cookie, keyId)).toBe(values.v1);
      });

      it("the audit chain verifies on the target, with the target's new events after the restored ones", async () => {
        const verdict = await verifyAuditChain(dst.runtime.database.db);
        expect(verdict.ok).toBe(true);
        expect(verdict.checked).toBeGreaterThan(end.audit_events);
      });

      it("a non-empty target is refused and left as it was", async () => {
        // The hand-outs above are counted in memory: written now, not by the timer during the comparison.
        await dst.runtime.usage.flush();
        const before = await rowCounts(dst.runtime);
        await expect(restoreInto(dst.runtime, snapshotOf(src.runtime))).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/^the target database is not empty \(it has user rows\)/) });
        expect(await rowCounts(dst.runtime)).toEqual(before);
      });

      it("a forced restore that breaks in the middle leaves the target as it was", async () => {
        // The hand-outs above are counted in memory: written now, not by the timer during the comparison.
        await dst.runtime.usage.flush();
        const before = await rowCounts(dst.runtime);
        await expect(restoreInto(dst.runtime, breakAfter(snapshotOf(src.runtime), 12), { force: true })).rejects.toThrow("the stream broke");
        await expect(restoreInto(dst.runtime, withoutEnd(snapshotOf(src.runtime)), { force: true })).rejects.toMatchObject({ message: expect.stringMatching(/cut short/) });
        expect(await rowCounts(dst.runtime)).toEqual(before);
        expect(await reveal(dst, await signIn(dst, alice.email), keyId)).toBe(values.v1);
      });

      it("force replaces everything with the snapshot", async () => {
        // The hand-outs above are counted in memory: written now, not by the timer during the comparison.
        await dst.runtime.usage.flush();
        const again = await restoreInto(dst.runtime, snapshotOf(src.runtime), { force: true });
        expect(again.counts).toEqual(await rowCounts(dst.runtime));
        expect(again.counts.api_key_versions).toBe(2);
        expect(await reveal(dst, await signIn(dst, alice.email), keyId)).toBe(values.v3);
        expect((await verifyAuditChain(dst.runtime.database.db)).ok).toBe(true);
      });
    });

    it("a stream that breaks in the middle leaves an empty target empty", async () => {
      const dst = await createHttpApp(targetDialect);
      try {
        const before = await rowCounts(dst.runtime);
        await expect(restoreInto(dst.runtime, breakAfter(snapshotOf(src.runtime), 20))).rejects.toThrow("the stream broke");
        expect(await rowCounts(dst.runtime)).toEqual(before);
        expect(before).toEqual(Object.fromEntries(BACKUP_TABLES.map((t) => [t.name, t.name === "audit_head" ? 1 : 0])));
        // And the target still starts: its own master key check is untouched.
        expect((await (dst.runtime.database.db as unknown as Kysely<any>).selectFrom("master_key_checks").selectAll().execute()).length).toBe(1);
      } finally {
        await dst.close();
      }
    });

    it("an audit log pruned by retention restores with its checkpoint and still verifies", async () => {
      const pruned = await createHttpApp(sourceDialect);
      const dst = await createHttpApp(targetDialect);
      try {
        const u = await pruned.signUp();
        await pruned.createKey(u, { name: "k", service: "openai", value: openaiKey() });
        const result = await pruneAuditLog(pruned.runtime.database.db, { before: new Date(Date.now() + 1000), at: () => new Date(), retentionDays: 1 });
        expect(result.pruned).toBeGreaterThan(0);
        await pruned.createKey(u, { name: "after", service: "openai", value: openaiKey() });
        const report = await restoreInto(dst.runtime, snapshotOf(pruned.runtime));
        expect(report.counts.audit_checkpoints).toBe(1);
        expect(await verifyAuditChain(dst.runtime.database.db)).toMatchObject({ ok: true, from: result.checkpoint!.seq });
      } finally {
        await dst.close();
        await pruned.close();
      }
    });

    it("a damaged, foreign or short record stream is refused and leaves the target empty", async () => {
      const records: BackupRecord[] = [];
      const progress: { rows: number; total: number }[] = [];
      for await (const r of snapshotOf(src.runtime, { pageSize: 4, onProgress: (p) => progress.push(p) })) records.push(r);
      const header = records[0] as Extract<BackupRecord, { kind: "snapshot" }>;
      expect(progress.at(-1)).toEqual({ rows: header.totalRows, total: header.totalRows });

      const from = (edit: (rs: BackupRecord[]) => BackupRecord[]) => (async function* () { yield* edit(structuredClone(records)); })();
      const rowOf = (rs: BackupRecord[], table: string) => (rs.find((r) => r.kind === "row" && r.table === table) as Extract<BackupRecord, { kind: "row" }>).row;
      const cases: [string, (rs: BackupRecord[]) => BackupRecord[], RegExp][] = [
        ["another schema", (rs) => [{ ...header, schema: "0009_aws_key_retirements" }, ...rs.slice(1)], /taken at schema 0009_aws_key_retirements/],
        ["no header", (rs) => rs.slice(1), /does not begin with a snapshot header/],
        ["an extra column", (rs) => (Object.assign(rowOf(rs, "api_keys"), { extra: 1 }), rs), /a api_keys row does not have the table's columns/],
        ["a boolean that is a number", (rs) => (Object.assign(rowOf(rs, "user"), { emailVerified: 1 }), rs), /user\.emailVerified is not a boolean/],
        ["a data key that is not 32 bytes", (rs) => (Object.assign(rowOf(rs, "data_keys"), { key: "AAAA" }), rs), /is not a 32-byte key/],
        ["a count that disagrees", (rs) => rs.map((r) => (r.kind === "end" ? { ...r, counts: { ...r.counts, api_keys: 99 } } : r)), /api_keys has 3 rows, its end record says 99/],
        ["a table twice", (rs) => [...rs.slice(0, -1), { kind: "table", name: "user", columns: Object.keys(backupTable("user")!.columns) }, rs.at(-1)!], /table user is unknown or out of order/],
        ["records after the end", (rs) => [...rs, rs[1]], /records follow its end/],
        ["a ciphertext from another key", (rs) => {
          const [a, b] = rs.filter((r): r is Extract<BackupRecord, { kind: "row" }> => r.kind === "row" && r.table === "api_keys").map((r) => r.row);
          a.encrypted_value = b.encrypted_value;
          return rs;
        }, /the restored data does not verify \(1 failures: key key_/],
      ];
      const dst = await createHttpApp(targetDialect);
      try {
        const before = await rowCounts(dst.runtime);
        for (const [what, edit, message] of cases) {
          await expect(restoreInto(dst.runtime, from(edit)), what).rejects.toThrow(message);
        }
        expect(await rowCounts(dst.runtime)).toEqual(before);
        // The untouched records restore.
        await restoreInto(dst.runtime, from((rs) => rs));
      } finally {
        await dst.close();
      }
    });

    it("a snapshot taken while another connection keeps adding keys is one moment", async () => {
      let stop = false;
      let added = 0;
      const writer = (async () => {
        // Bounded: each user may hold 500 keys.
        while (!stop && added < 300) {
          await new Promise((r) => setTimeout(r, 1));
          // Through the key service (its own connection's writes), past the HTTP rate limit.
          await src.runtime.keys.create(actorFor(alice), { type: "user", id: alice.id }, { name: `busy-${added}`, service: "openai", value: openaiKey() });
          added++;
        }
      })();
      try {
        while (added < 2) await new Promise((r) => setTimeout(r, 5));
        let addedAtStart = -1;
        const records: BackupRecord[] = [];
        for await (const r of snapshotOf(src.runtime, { pageSize: 3 })) {
          if (addedAtStart < 0) {
            addedAtStart = added;
            // The snapshot is open: wait until the writer has committed more keys, so "while keys
            // are being added" holds however loaded the machine is (not left to timing).
            const deadline = Date.now() + 30_000;
            while (added < addedAtStart + 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
          }
          records.push(r);
          // Let the writer run between records.
          await new Promise((res) => setImmediate(res));
        }
        const addedDuring = added - addedAtStart;
        stop = true;
        await writer;
        expect(addedDuring).toBeGreaterThan(0);

        const rows = (table: string) => records.filter((r): r is Extract<BackupRecord, { kind: "row" }> => r.kind === "row" && r.table === table).map((r) => r.row);
        const keys = rows("api_keys");
        const events = rows("audit_events");
        const created = new Set(events.filter((e) => e.action === "key.create").map((e) => e.target_id));
        // Every key has its creation event and no event names a key that is missing.
        expect(new Set(keys.map((k) => k.id))).toEqual(created);
        expect(rows("audit_head")[0].seq).toBe(Math.max(...events.map((e) => e.seq as number)));
        expect(keys.length).toBeLessThan(Number((await rowCounts(src.runtime)).api_keys));

        // And it restores whole: the chain's head matches its last event, every secret opens.
        const dst = await createHttpApp(targetDialect);
        try {
          const report = await restoreInto(dst.runtime, (async function* () { yield* records; })());
          expect(report.keysVerified).toBe(keys.length);
        } finally {
          await dst.close();
        }
      } finally {
        stop = true;
        await writer;
      }
    });
  });
}

describe("the backup's table list", () => {
  it.each(enabled)("covers every table and column of a migrated %s database, or says why not", async (dialect) => {
    const h = await createHttpApp(dialect);
    try {
      const tables = (await h.runtime.database.db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => dialect === "sqlite" || t.schema === h.tdb.pgSchema);
      expect(tables.length).toBeGreaterThan(10);
      for (const t of tables) {
        if (t.name in SKIPPED_TABLES) continue;
        const spec = backupTable(t.name);
        expect(spec, `table ${t.name} is neither backed up nor skipped`).toBeDefined();
        // A data key travels unwrapped: `key` stands for the stored wrapped key and its master key version.
        const expected = Object.keys(spec!.columns).flatMap((c) => (spec!.columns[c] === "dataKey" ? ["wrapped_key", "kek_version"] : [c]));
        expect(t.columns.map((c) => c.name).sort(), t.name).toEqual(expected.sort());
      }
      for (const spec of BACKUP_TABLES) expect(tables.some((t) => t.name === spec.name), spec.name).toBe(true);
    } finally {
      await h.close();
    }
  });
});
