/**
 * The admin's view of scheduled backups in Chromium at 1280 px, on servers started with
 * KEYHAVEN_BACKUP_DIR: one whose directory cannot be created (its backup at start fails) → the
 * admin sees the alert on the page they land on, follows it to Backups, which shows the failed
 * backup, its error and the alert; a user who is not an admin sees neither → one whose backup
 * works → Backups shows it on, the last backup written and verified with its file and size, the
 * next due, the settings and the history, and no alert anywhere.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Page } from "playwright-core";
import { FAST_KDF } from "../crypto/backup-streams.js";
import { tempDir } from "../support/databases.js";
import { flowSteps, signUpViaUi, startHarness, uniqueEmail, type Harness, type HarnessOptions } from "./support/harness.js";

/** A server backing up to `dir` every 6 hours, with a cheap key derivation (the format is tested elsewhere). */
function backupsTo(dir: string): HarnessOptions {
  const passphraseFile = path.join(tempDir("keyhaven-pass-"), "backup-pass");
  fs.writeFileSync(passphraseFile, "scheduled backups passphrase\n", { mode: 0o600 });
  return {
    env: { KEYHAVEN_BACKUP_DIR: dir, KEYHAVEN_BACKUP_PASSPHRASE_FILE: passphraseFile, KEYHAVEN_BACKUP_EVERY_HOURS: "6", KEYHAVEN_BACKUP_KEEP: "3" },
    server: { backupScheduler: { encryption: { kdf: FAST_KDF } } },
  };
}

/** Waits, through the API, for the backup the server takes at start to have an outcome. */
async function settled(page: Page): Promise<{ last: { status: string; file: string | null; bytes: number | null } }> {
  for (let i = 0; i < 200; i++) {
    const res = await page.request.get("/api/admin/backups");
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { last: { status: string; file: string | null; bytes: number | null } | null };
    if (body.last && body.last.status !== "running") return body as { last: { status: string; file: string | null; bytes: number | null } };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the backup at start never finished");
}

describe("web app: a failed scheduled backup raises an alert for admins (1280 px)", () => {
  let h: Harness;
  let page: Page;
  let dir = "";
  const step = flowSteps(() => page);
  const nav = () => page.getByRole("navigation", { name: "Main" });

  beforeAll(async () => {
    // A directory that cannot be created: a path under a regular file (root ignores permissions).
    const base = tempDir("keyhaven-backups-");
    fs.writeFileSync(path.join(base, "a-file"), "x");
    dir = path.join(base, "a-file", "backups");
    h = await startHarness(backupsTo(dir));
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. the admin sees the alert on the page they land on", async () => {
    await signUpViaUi(page, "Ada Admin", uniqueEmail("ada-backups"));
    await settled(page);
    await page.reload();
    const alert = page.getByTestId("backup-alert");
    await alert.waitFor();
    expect(await alert.getAttribute("role")).toBe("alert");
    expect(await alert.textContent()).toMatch(/failed: .*ENOTDIR/);
    // It stays on other pages too.
    await nav().getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(/\/usage$/);
    await page.getByTestId("backup-alert").waitFor();
  });

  step("2. the alert leads to Backups: the failed backup, its error, and the alert once", async () => {
    await page.getByTestId("backup-alert").getByRole("link", { name: "See the backups" }).click();
    await page.waitForURL(/\/admin\/backups$/);
    expect(await page.title()).toBe("Backups · Keyhaven");
    await page.getByTestId("backup-summary").waitFor();
    expect(await page.getByRole("alert").filter({ hasText: "Backups need attention" }).count()).toBe(1);
    const last = page.getByTestId("backup-last");
    expect(await last.getByTestId("backup-run-status").getAttribute("data-status")).toBe("failed");
    expect(await last.textContent()).toContain("ENOTDIR");
    const summary = await page.getByTestId("backup-summary").innerText();
    expect(summary).toMatch(/Scheduled backups\s+On/);
    expect(summary).toMatch(/Verified\s+No/);
    expect(await page.getByTestId("backup-settings").textContent()).toContain(dir);
    await page.getByText("No scheduled backup has been written yet.").waitFor();
  });

  step("3. someone who is not an admin sees no alert and no Backups page", async () => {
    const other = await h.newPage(1280);
    page = other.page;
    await signUpViaUi(page, "Grace Hopper", uniqueEmail("grace-backups"));
    await page.getByText("No API keys yet").waitFor();
    expect(await page.getByTestId("backup-alert").count()).toBe(0);
    expect(await nav().getByRole("link", { name: "Backups" }).count()).toBe(0);
    await page.goto("/admin/backups");
    await page.getByText("Nothing here").waitFor();
    expect((await page.request.get("/api/admin/backups")).status()).toBe(403);
    expect(await page.getByTestId("backup-summary").count()).toBe(0);
  });
});

describe("web app: a scheduled backup written and verified (1280 px)", () => {
  let h: Harness;
  let page: Page;
  let dir = "";
  const step = flowSteps(() => page);

  beforeAll(async () => {
    dir = tempDir("keyhaven-backups-");
    h = await startHarness(backupsTo(dir));
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. Backups shows the last backup, verified, its file and size, the next due and the history; no alert", async () => {
    await signUpViaUi(page, "Ada Admin", uniqueEmail("ada-backups-ok"));
    const { last } = await settled(page);
    expect(last.status).toBe("ok");
    const bytes = fs.statSync(path.join(dir, last.file!)).size;
    expect(last.bytes).toBe(bytes);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backups" }).click();
    await page.waitForURL(/\/admin\/backups$/);
    const summary = page.getByTestId("backup-summary");
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Scheduled backups\s+On/);
    expect(await summary.innerText()).toMatch(/Verified\s+Yes/);
    expect(await summary.innerText()).toMatch(/Next due\s+in 6 hours/);
    const details = page.getByTestId("backup-last");
    expect(await details.getByTestId("backup-run-status").textContent()).toBe("Written and verified");
    expect(await details.textContent()).toContain(last.file!);
    expect(await page.getByTestId("backup-settings").innerText()).toMatch(/Every\s+6 hours/);
    await expect.poll(() => page.getByTestId("backup-history-row").count()).toBe(1);
    expect(await page.getByTestId("backup-history-row").textContent()).toContain(last.file!);
    expect(await page.getByTestId("backup-alert").count()).toBe(0);
  });
});
