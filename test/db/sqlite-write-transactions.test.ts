/**
 * Several processes on one SQLite file: write transactions that read first and then write (as a
 * key update does: find the key, then change it and append its event) must wait for each other,
 * never fail with SQLITE_BUSY ("database is locked"). A deferred `BEGIN` fails exactly here: its
 * read snapshot predates the other process's commit, so the upgrade to a write lock is refused
 * at once (SQLITE_BUSY_SNAPSHOT), whatever busy_timeout says. db/connect.ts begins them with
 * `BEGIN IMMEDIATE`, which takes the write lock first and waits for it up to busy_timeout.
 *
 * Two child processes (plain Node running the TypeScript source through tsx, like the CLI tests)
 * open the file through the real `openDatabase` and, released at the same moment, each run many
 * read-then-write transactions that append to the audit chain; afterwards every one of them is
 * in the chain, seq runs 1…N, and the chain verifies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { verifyAuditChain } from "../../src/audit/audit-store.js";
import { ROOT } from "../startup/run-cli.js";

const PROCESSES = 2;
/** Transactions per process. */
const TRANSACTIONS = 150;

const moduleUrl = (rel: string) => pathToFileURL(path.join(ROOT, rel)).href;

/**
 * One writer: opens the file, says "ready", waits for "go" on stdin, then runs TRANSACTIONS
 * read-then-write transactions (several in flight, as a server's requests are) and prints
 * {"ok":n,"errors":[…]} as its last line.
 */
const WRITER = `
import { createInterface } from "node:readline";
import { setImmediate as tick } from "node:timers/promises";
const { openDatabase } = await import(${JSON.stringify(moduleUrl("src/db/connect.ts"))});
const { appendAuditEvents } = await import(${JSON.stringify(moduleUrl("src/audit/audit-store.ts"))});
const [dataDir, name, count] = process.argv.slice(1);
const handle = await openDatabase({ dataDir });
const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\\n");
for await (const line of lines) if (line === "go") break;
let ok = 0;
const errors = [];
const one = async (i) => {
  try {
    await handle.db.transaction().execute(async (trx) => {
      // Read first (the snapshot starts here), let the event loop run as a request's work does,
      // then write.
      await trx.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirstOrThrow();
      await tick();
      await appendAuditEvents(trx, [{ action: "key.update", actor: { type: "system", id: name, label: name }, details: { i } }], new Date().toISOString());
    });
    ok++;
  } catch (err) {
    errors.push(String(err.code ?? "") + " " + err.message);
  }
};
const queue = Array.from({ length: Number(count) }, (_, i) => i);
await Promise.all(Array.from({ length: 4 }, async () => { for (let i = queue.shift(); i !== undefined; i = queue.shift()) await one(i); }));
await handle.close();
process.stdout.write(JSON.stringify({ ok, errors: errors.slice(0, 5), failed: errors.length }) + "\\n");
process.exit(0);
`;

interface Writer {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
}

function startWriter(dataDir: string, name: string): Writer {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", WRITER, dataDir, name, String(TRANSACTIONS)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const writer: Writer = { child, out: "", exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
  child.stdout.on("data", (chunk: Buffer) => (writer.out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (writer.out += chunk.toString()));
  return writer;
}

async function waitFor(writer: Writer, text: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!writer.out.includes(text)) {
    if (writer.child.exitCode !== null || Date.now() > until) throw new Error(`writer did not say "${text}":\n${writer.out}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("several processes writing to one SQLite file", () => {
  let dataDir: string;
  let handle: DatabaseHandle;
  const writers: Writer[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-sqlite-writers-"));
    handle = await openDatabase({ dataDir });
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    for (const w of writers) w.child.kill("SIGKILL");
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("read-then-write transactions in two processes at once: none fails with SQLITE_BUSY; one unbroken chain", { timeout: 120_000 }, async () => {
    for (let i = 0; i < PROCESSES; i++) writers.push(startWriter(dataDir, `writer-${i}`));
    await Promise.all(writers.map((w) => waitFor(w, "ready", 60_000)));
    for (const w of writers) w.child.stdin!.write("go\n");
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.out).join("\n")).toEqual(writers.map(() => 0));

    const results = writers.map((w) => JSON.parse(w.out.trim().split("\n").at(-1)!) as { ok: number; errors: string[]; failed: number });
    for (const r of results) expect(r).toEqual({ ok: TRANSACTIONS, errors: [], failed: 0 });

    const seqs = (await handle.db.selectFrom("audit_events").select("seq").orderBy("seq").execute()).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: PROCESSES * TRANSACTIONS }, (_, i) => i + 1));
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, checked: PROCESSES * TRANSACTIONS, from: 0 });
  });
});
