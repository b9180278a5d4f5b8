/**
 * Scheduled backups' configuration: off unless KEYHAVEN_BACKUP_DIR is set, defaults, bounds,
 * the passphrase file required with the dir; the passphrase itself is read by the server at
 * start (backup/backup-passphrase-file.ts) and refused there when short, never echoed.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { EXIT, StartupError } from "../../src/platform/errors.js";
import { loadScheduledBackupPassphrase } from "../../src/backup/backup-passphrase-file.js";
import { tempDir } from "../support/databases.js";

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...env }, "/srv/keyhaven");

function refusal(fn: () => unknown): StartupError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).exitCode).toBe(EXIT.CONFIG);
    return err as StartupError;
  }
  throw new Error("accepted");
}

describe("scheduled backup configuration", () => {
  it("off when KEYHAVEN_BACKUP_DIR is unset or blank", () => {
    expect(load({}).backup).toBeNull();
    expect(load({ KEYHAVEN_BACKUP_DIR: "  ", KEYHAVEN_BACKUP_KEEP: "3" }).backup).toBeNull();
  });

  it("defaults to every 24 hours, keeping 7; relative paths from the working directory", () => {
    expect(load({ KEYHAVEN_BACKUP_DIR: "backups", KEYHAVEN_BACKUP_PASSPHRASE_FILE: "secrets/pass" }).backup).toEqual({
      dir: "/srv/keyhaven/backups",
      everyHours: 24,
      keep: 7,
      passphraseFile: "/srv/keyhaven/secrets/pass",
    });
    expect(load({ KEYHAVEN_BACKUP_DIR: "/b", KEYHAVEN_BACKUP_PASSPHRASE_FILE: "/p", KEYHAVEN_BACKUP_EVERY_HOURS: "8760", KEYHAVEN_BACKUP_KEEP: "1" }).backup).toMatchObject({
      everyHours: 8760,
      keep: 1,
    });
  });

  it("requires the passphrase file with the dir", () => {
    expect(refusal(() => load({ KEYHAVEN_BACKUP_DIR: "/b" })).message).toMatch(/^KEYHAVEN_BACKUP_PASSPHRASE_FILE is required when KEYHAVEN_BACKUP_DIR is set/);
  });

  it.each([
    ["KEYHAVEN_BACKUP_EVERY_HOURS", "0", "1 to 8760"],
    ["KEYHAVEN_BACKUP_EVERY_HOURS", "1.5", "1 to 8760"],
    ["KEYHAVEN_BACKUP_EVERY_HOURS", "8761", "1 to 8760"],
    ["KEYHAVEN_BACKUP_KEEP", "0", "1 to 1000"],
    ["KEYHAVEN_BACKUP_KEEP", "all", "1 to 1000"],
  ])("%s=%s is refused", (name, value, range) => {
    expect(refusal(() => load({ KEYHAVEN_BACKUP_DIR: "/b", KEYHAVEN_BACKUP_PASSPHRASE_FILE: "/p", [name]: value })).message).toBe(
      `${name} must be a whole number from ${range} (got "${value}")`,
    );
  });

  it("the passphrase: the file's first line, at least 12 characters; a missing file or a short one is named, never echoed", () => {
    const dir = tempDir();
    const file = path.join(dir, "pass");
    fs.writeFileSync(file, "twelve chars ok\r\nsecond line\n");
    expect(loadScheduledBackupPassphrase(file)).toBe("twelve chars ok");
    fs.writeFileSync(file, "short-pass1\n");
    const short = refusal(() => loadScheduledBackupPassphrase(file));
    expect(short.message).toBe(`the backup passphrase in KEYHAVEN_BACKUP_PASSPHRASE_FILE ${file} (its first line) must be at least 12 characters long`);
    expect(short.message).not.toContain("short-pass1");
    expect(refusal(() => loadScheduledBackupPassphrase(path.join(dir, "absent"))).message).toBe(
      `cannot read KEYHAVEN_BACKUP_PASSPHRASE_FILE ${path.join(dir, "absent")} (ENOENT)`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
