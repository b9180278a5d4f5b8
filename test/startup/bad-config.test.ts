/**
 * Bad configuration: each case is one line `keyhaven: …` on stderr, a documented exit code
 * (EXIT in src/platform/errors.ts), no stack trace, and no secret echoed back.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, it } from "vitest";
import { EXIT } from "../../src/platform/errors.js";
import { expectStartupFailure, killAll, removeTempDirs, runCli, serveSetup, tempDir } from "./run-cli.js";

const IS_ROOT = process.getuid?.() === 0;

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

async function serve(extra: Record<string, string | undefined> = {}, prepare?: (dir: string) => void) {
  const { dir, env } = await serveSetup(extra);
  prepare?.(dir);
  const result = await runCli(["serve"], { cwd: dir, env });
  return { dir, result };
}

describe.concurrent("keyhaven serve refuses bad configuration", () => {
  it("NODE_ENV=production without KEYHAVEN_MASTER_KEY: says it is required and how to make one", async ({ expect }) => {
    const { dir, result } = await serve({ NODE_ENV: "production" });
    const line = expectStartupFailure(result, EXIT.CONFIG, "KEYHAVEN_MASTER_KEY is required");
    expect(line).toContain("NODE_ENV=production");
    expect(line).toContain("openssl rand -base64 32");
    // Nothing was generated, and the refusal came before any database was created.
    expect(fs.existsSync(path.join(dir, "master.key"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
  });

  const badKeys: [string, string][] = [
    ["base64 of 16 bytes", randomBytes(16).toString("base64")],
    ["junk characters", "not*a$master%key!-zz9Qx"],
    ["a hex string of 32 bytes", randomBytes(32).toString("hex")],
  ];
  for (const [what, value] of badKeys) {
    it(`KEYHAVEN_MASTER_KEY that is ${what}: names the variable, never echoes the value`, async ({ expect }) => {
      const { dir, result } = await serve({ KEYHAVEN_MASTER_KEY: value });
      const line = expectStartupFailure(result, EXIT.CONFIG, "KEYHAVEN_MASTER_KEY");
      expect(line).toMatch(/base64/);
      expect(result.stderr + result.stdout).not.toContain(value);
      expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
    });
  }

  it("KEYHAVEN_MASTER_KEY that is bad in production too (the value is checked, not only its presence)", async ({ expect }) => {
    const value = randomBytes(16).toString("base64");
    const { result } = await serve({ NODE_ENV: "production", KEYHAVEN_MASTER_KEY: value });
    expectStartupFailure(result, EXIT.CONFIG, "KEYHAVEN_MASTER_KEY");
    expect(result.stderr + result.stdout).not.toContain(value);
  });

  it(`unreadable master.key (${IS_ROOT ? "a directory, as root ignores chmod" : "chmod 000"}): names the file`, async ({ expect }) => {
    const { dir, result } = await serve({}, (d) => {
      const file = path.join(d, "master.key");
      if (IS_ROOT) fs.mkdirSync(file);
      else {
        fs.writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600 });
        fs.chmodSync(file, 0o000);
      }
    });
    const file = path.join(dir, "master.key");
    const line = expectStartupFailure(result, EXIT.CONFIG, file);
    expect(line).toMatch(IS_ROOT ? /EISDIR/ : /EACCES/);
    if (!IS_ROOT) fs.chmodSync(file, 0o600);
  });

  const corrupt: [string, string][] = [
    ["garbage text", "this is not a key at all\n"],
    ["valid base64 of 31 bytes", randomBytes(31).toString("base64") + "\n"],
    ["an empty file", ""],
  ];
  for (const [what, content] of corrupt) {
    it(`corrupt master.key (${what}): names the file and does not replace it`, async ({ expect }) => {
      const { dir, result } = await serve({}, (d) => fs.writeFileSync(path.join(d, "master.key"), content, { mode: 0o600 }));
      const file = path.join(dir, "master.key");
      const line = expectStartupFailure(result, EXIT.CONFIG, file);
      expect(line).toMatch(/corrupt/);
      if (content.trim()) expect(line).not.toContain(content.trim());
      expect(fs.readFileSync(file, "utf8")).toBe(content);
    });
  }

  it("DATABASE_URL that cannot connect: names host and port, not the password", async ({ expect }) => {
    const { result } = await serve({ DATABASE_URL: "postgres://user:s3cretPass@127.0.0.1:1/db" });
    const line = expectStartupFailure(result, EXIT.DATABASE_UNAVAILABLE, "127.0.0.1:1");
    expect(line).toMatch(/PostgreSQL/);
    expect(result.stderr + result.stdout).not.toContain("s3cretPass");
  });

  it("DATABASE_URL that is not PostgreSQL (mysql://x): a configuration error", async ({ expect }) => {
    const { result } = await serve({ DATABASE_URL: "mysql://x" });
    const line = expectStartupFailure(result, EXIT.CONFIG, "DATABASE_URL");
    expect(line).toMatch(/postgres:\/\//);
  });

  it("DATABASE_URL that is not a URL at all: a configuration error that does not echo it", async ({ expect }) => {
    const value = "postgres://user:s3cretPass@host:notaport/db";
    const { result } = await serve({ DATABASE_URL: value });
    expectStartupFailure(result, EXIT.CONFIG, "DATABASE_URL");
    expect(result.stderr + result.stdout).not.toContain("s3cretPass");
  });

  it("data directory that cannot be created (a path under a regular file)", async ({ expect }) => {
    const base = tempDir();
    fs.writeFileSync(path.join(base, "afile"), "x");
    const dataDir = path.join(base, "afile", "data");
    const { result } = await serve({ KEYHAVEN_DATA_DIR: dataDir });
    const line = expectStartupFailure(result, EXIT.DATA_DIR_NOT_WRITABLE, dataDir);
    expect(line).toMatch(/KEYHAVEN_DATA_DIR/);
  });

  it.skipIf(IS_ROOT)("data directory without write permission (skipped as root, which ignores permissions)", async () => {
    const base = tempDir();
    const dataDir = path.join(base, "ro");
    fs.mkdirSync(dataDir, { mode: 0o500 });
    try {
      const { result } = await serve({ KEYHAVEN_DATA_DIR: dataDir });
      expectStartupFailure(result, EXIT.DATA_DIR_NOT_WRITABLE, dataDir);
    } finally {
      fs.chmodSync(dataDir, 0o700);
    }
  });

  it("PORT that is not a number: a configuration error", async () => {
    const { result } = await serve({ PORT: "http" });
    expectStartupFailure(result, EXIT.CONFIG, "PORT");
  });

  it("KEYHAVEN_SIGNUP that is neither open nor closed: a configuration error, nothing created", async ({ expect }) => {
    const { dir, result } = await serve({ KEYHAVEN_SIGNUP: "invite-only" });
    expectStartupFailure(result, EXIT.CONFIG, 'KEYHAVEN_SIGNUP must be open or closed (got "invite-only")');
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
  });

  it("KEYHAVEN_ADMIN_EMAILS with something that is not an email: a configuration error, nothing created", async ({ expect }) => {
    const { dir, result } = await serve({ KEYHAVEN_ADMIN_EMAILS: "ada@example.com, ops team" });
    expectStartupFailure(result, EXIT.CONFIG, 'KEYHAVEN_ADMIN_EMAILS must be emails separated by commas (got "ops team")');
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
  });

  it("KEYHAVEN_BACKUP_DIR without KEYHAVEN_BACKUP_PASSPHRASE_FILE: a configuration error, nothing created", async ({ expect }) => {
    const { dir, result } = await serve({ KEYHAVEN_BACKUP_DIR: "backups" });
    expectStartupFailure(result, EXIT.CONFIG, "KEYHAVEN_BACKUP_PASSPHRASE_FILE is required when KEYHAVEN_BACKUP_DIR is set");
    expect(fs.existsSync(path.join(dir, "keyhaven.db"))).toBe(false);
  });

  it("a backup passphrase file whose first line is too short: names the file, never echoes the passphrase", async ({ expect }) => {
    const passFile = path.join(tempDir(), "backup-pass");
    fs.writeFileSync(passFile, "tooShort-42\n", { mode: 0o600 });
    const { result } = await serve({ KEYHAVEN_BACKUP_DIR: "backups", KEYHAVEN_BACKUP_PASSPHRASE_FILE: passFile });
    const line = expectStartupFailure(result, EXIT.CONFIG, passFile);
    expect(line).toMatch(/at least 12 characters/);
    expect(result.stderr + result.stdout).not.toContain("tooShort-42");
  });
});
