/**
 * Files at rest are private, checked on real files through the real entry point: the data dir
 * Keyhaven creates is 0700, the SQLite files (db, -wal, -shm) and the generated master.key are
 * 0600, looser database files are tightened, and a master.key that group or others may access
 * is refused (exit 78, one line saying `chmod 600`). Plus HSTS only behind an https public URL.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, it } from "vitest";
import { EXIT } from "../../src/platform/errors.js";
import { expectStartupFailure, killAll, removeTempDirs, runCli, serveSetup, startServer } from "./run-cli.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
const SQLITE_FILES = ["keyhaven.db", "keyhaven.db-wal", "keyhaven.db-shm"];

// One start at a time: each is a tsx start, slow on a loaded 2-core machine.
describe("files at rest", { timeout: 90_000 }, () => {
  it("a data dir Keyhaven creates is 0700; keyhaven.db, -wal, -shm and master.key are 0600", async ({ expect, onTestFinished }) => {
    const { dir, env } = await serveSetup();
    const dataDir = path.join(dir, "nested", "data");
    const server = await startServer(dir, { ...env, KEYHAVEN_DATA_DIR: dataDir });
    onTestFinished(() => server.kill());
    // While it runs, all three SQLite files exist (WAL mode, migrations written).
    expect(Object.fromEntries([...SQLITE_FILES, "master.key"].map((f) => [f, modeOf(path.join(dataDir, f))]))).toEqual({
      "keyhaven.db": "600",
      "keyhaven.db-wal": "600",
      "keyhaven.db-shm": "600",
      "master.key": "600",
    });
    expect(modeOf(dataDir)).toBe("700");
    expect(modeOf(path.join(dir, "nested"))).toBe("700");
    expect((await server.stop()).code).toBe(0);
  });

  it("database files left readable by others (an older version, a loose umask) are tightened to 0600", async ({ expect, onTestFinished }) => {
    const { dir, env } = await serveSetup();
    const first = await startServer(dir, env);
    onTestFinished(() => first.kill());
    expect((await first.stop()).code).toBe(0);
    for (const f of SQLITE_FILES) if (fs.existsSync(path.join(dir, f))) fs.chmodSync(path.join(dir, f), 0o644);
    fs.chmodSync(dir, 0o755);

    const second = await startServer(dir, env);
    onTestFinished(() => second.kill());
    for (const f of SQLITE_FILES) expect(`${f} ${modeOf(path.join(dir, f))}`).toBe(`${f} 600`);
    // An existing directory keeps the mode its operator gave it.
    expect(modeOf(dir)).toBe("755");
    const stopped = await second.stop();
    expect(stopped.code, JSON.stringify(stopped)).toBe(0);
  });

  for (const mode of [0o644, 0o640, 0o620]) {
    it(`master.key with mode ${mode.toString(8)}: refused with one line saying chmod 600, exit 78`, async ({ expect }) => {
      const { dir, env } = await serveSetup();
      const file = path.join(dir, "master.key");
      const key = randomBytes(32).toString("base64");
      fs.writeFileSync(file, `${key}\n`);
      fs.chmodSync(file, mode);
      const result = await runCli(["serve"], { cwd: dir, env });
      const line = expectStartupFailure(result, EXIT.CONFIG, `chmod 600 ${file}`);
      expect(line).toContain(`mode 0${mode.toString(8)}`);
      expect(line).not.toContain(key);
      // Refused before anything else: the file is left as it was.
      expect(fs.readFileSync(file, "utf8")).toBe(`${key}\n`);
    });
  }

  it("master.key with mode 0600 written by hand is accepted", async ({ expect, onTestFinished }) => {
    const { dir, env, port } = await serveSetup();
    fs.writeFileSync(path.join(dir, "master.key"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const server = await startServer(dir, env);
    onTestFinished(() => server.kill());
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    expect(server.stdout).not.toContain("Generated a new master key");
    expect((await server.stop()).code).toBe(0);
  });
});

describe("Strict-Transport-Security", { timeout: 90_000 }, () => {
  for (const [publicUrl, expected] of [
    ["https://keys.example.com", "max-age=15552000; includeSubDomains"],
    [undefined, null],
  ] as const) {
    it(`KEYHAVEN_PUBLIC_URL=${publicUrl ?? "(unset: http://localhost:PORT)"}: ${expected ? "sent" : "not sent"} on pages and API answers`, async ({ expect, onTestFinished }) => {
      const { dir, env, port } = await serveSetup({ KEYHAVEN_PUBLIC_URL: publicUrl });
      const server = await startServer(dir, env);
      onTestFinished(() => server.kill());
      for (const p of ["/api/health", "/", "/api/nope"]) {
        const res = await fetch(`http://127.0.0.1:${port}${p}`);
        await res.arrayBuffer();
        expect([p, res.headers.get("strict-transport-security")]).toEqual([p, expected]);
      }
      expect((await server.stop()).code).toBe(0);
    });
  }
});
