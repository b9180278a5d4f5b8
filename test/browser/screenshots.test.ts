/**
 * Every page at 1280 and 375 px, written to test-results/screenshots/<page>-<width>.png for a
 * person to look at: sign-in, sign-up, keys-empty, add-dialog, keys (with keys), usage (with uses),
 * tokens-empty, token-dialog, tokens (a new token shown once above the list), export-dialog,
 * import-error, import-preview, import-result, and at 375 px the open menu; then the admin pages (admin-users, admin-add-user, admin-disable, admin-tokens-empty,
 * admin-token-created, admin-tokens, admin-backups-off, and at 375 px admin-menu) as the instance
 * admin; then admin-backups and admin-backups-alert and keys-backup-alert on servers whose
 * scheduled backups work and fail; then the
 * team pages (team-keys-owner, team-invite, team-members, team-usage, settings-teams as the
 * owner, and at 375 px team-menu; team-invitation, team-keys-member, team-members-member and
 * team-usage-member as a member who just joined). Each width is its own user in its own browser
 * context.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { FAST_KDF } from "../crypto/backup-streams.js";
import { tempDir } from "../support/databases.js";
import { fakeKey } from "../support/fake-provider.js";
import { failureScreenshot, PASSWORD, screenshot, sessionUserId, signUpViaUi, startHarness, uniqueEmail, WIDTHS, type Harness, type HarnessOptions } from "./support/harness.js";
import { keyAndToken, sendChat, startGatewayHarness, UNPRICED_MODEL } from "./support/gateway.js";

const DAY = 86_400_000;

describe("web app: screenshots of every page", () => {
  let h: Harness;
  const adminEmail = uniqueEmail("admin");
  beforeAll(async () => {
    h = await startHarness();
    // The first account is the instance admin; the key screenshots' users come after it.
    const res = await fetch(`${h.base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: h.base },
      body: JSON.stringify({ email: adminEmail, password: PASSWORD, name: "Ada Admin" }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** More keys through the REST API, so the list shows each status and several services. */
  async function addKeysViaApi(page: Page, base: string): Promise<void> {
    const post = async (body: object) => {
      const res = await page.request.post("/api/api-keys", { data: body, headers: { origin: base } });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as { id: string };
    };
    await post({
      name: "Claude for the support bot",
      service: "anthropic",
      value: fakeKey("anthropic", "valid"),
      description: "Used by the helpdesk summariser in production.",
    });
    await post({ name: "Groq staging", service: "groq", value: fakeKey("groq", "valid"), expiresAt: new Date(Date.now() + 3 * DAY).toISOString() });
    const google = await post({ name: "Gemini experiments", service: "google", value: fakeKey("google", "valid") });
    const off = await page.request.put(`/api/api-keys/${google.id}`, { data: { isActive: false }, headers: { origin: base } });
    expect(off.status()).toBe(200);
    await post({ name: "AWS Bedrock", service: "aws", value: fakeKey("aws", "valid"), config: { region: "eu-west-1" } });
  }

  /**
   * The export dialog, then an import of a file whose keys meet each fate: one the person has
   * since deleted and one renamed (added), two they still have (skipped), one expired since and
   * deleted (refused).
   */
  async function keyFileScreenshots(page: Page, width: number): Promise<void> {
    const keys = (await (await page.request.get("/api/api-keys")).json()) as { apiKeys: { id: string; name: string }[] };
    const idOf = (name: string) => keys.apiKeys.find((k) => k.name === name)!.id;
    await h.rt.database.db.updateTable("api_keys").set({ expires_at: new Date(Date.now() - DAY).toISOString() }).where("id", "=", idOf("Groq staging")).execute();

    await page.goto("/keys");
    await page.getByRole("button", { name: "Export my keys" }).click();
    const exportDialog = page.getByRole("dialog", { name: "Export my keys" });
    await exportDialog.getByLabel("Passphrase", { exact: true }).fill("purple elephants dance");
    await exportDialog.getByLabel("Confirm passphrase").fill("purple elephants");
    await exportDialog.getByRole("button", { name: "Export and download" }).click();
    await exportDialog.getByText("The two passphrases differ").waitFor();
    await screenshot(page, "export-dialog", width, { fullPage: false });
    await exportDialog.getByRole("button", { name: "Cancel" }).click();

    const exported = await page.request.post("/api/api-keys/export", { data: { passphrase: "purple elephants dance" }, headers: { origin: h.base } });
    expect(exported.status()).toBe(200);
    const file = path.join(tempDir("keyhaven-export-"), "keyhaven-my-keys.khbk");
    fs.writeFileSync(file, await exported.body());
    for (const name of ["AWS Bedrock", "Groq staging"]) {
      expect((await page.request.delete(`/api/api-keys/${idOf(name)}`, { headers: { origin: h.base } })).status()).toBe(204);
    }
    const renamed = await page.request.put(`/api/api-keys/${idOf("Gemini experiments")}`, { data: { name: "Gemini (retired)" }, headers: { origin: h.base } });
    expect(renamed.status()).toBe(200);

    await page.reload();
    await page.getByRole("button", { name: "Import keys" }).click();
    const importDialog = page.getByRole("dialog", { name: "Import keys" });
    await importDialog.getByLabel("Keys file").setInputFiles(file);
    await importDialog.getByLabel("Passphrase", { exact: true }).fill("not the passphrase");
    await importDialog.getByRole("button", { name: "Preview import" }).click();
    await importDialog.getByTestId("form-error").waitFor();
    await screenshot(page, "import-error", width, { fullPage: false });
    await importDialog.getByLabel("Passphrase", { exact: true }).fill("purple elephants dance");
    await importDialog.getByRole("button", { name: "Preview import" }).click();
    await importDialog.getByTestId("import-preview").waitFor();
    await screenshot(page, "import-preview", width, { fullPage: false });
    await importDialog.getByRole("button", { name: "Import 2 keys" }).click();
    await importDialog.getByTestId("import-result").waitFor();
    await screenshot(page, "import-result", width, { fullPage: false });
    await importDialog.getByRole("button", { name: "Done" }).click();
  }

  for (const width of WIDTHS) {
    it(`renders every page at ${width} px`, async () => {
      const { context, page } = await h.newPage(width);
      try {
        await page.goto("/keys");
        await page.waitForURL(/\/sign-in/);
        await page.getByRole("button", { name: "Sign in" }).waitFor();
        await screenshot(page, "sign-in", width);

        await page.getByRole("link", { name: "Create an account" }).click();
        await page.waitForURL(/\/sign-up/);
        await page.getByLabel("Name").fill("Ada Lovelace");
        await page.getByLabel("Email").fill(uniqueEmail(`ada${width}`));
        await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
        await screenshot(page, "sign-up", width);
        await page.getByRole("button", { name: "Create account" }).click();
        await page.waitForURL(/\/keys$/);
        await page.getByText("No API keys yet").waitFor();
        await screenshot(page, "keys-empty", width);

        if (width < 768) {
          await page.getByRole("button", { name: "Menu" }).click();
          await page.getByRole("navigation").getByRole("link", { name: "Usage" }).waitFor({ state: "visible" });
          await screenshot(page, "menu", width, { fullPage: false });
          await page.getByRole("button", { name: "Menu" }).click();
        }

        await page.getByRole("button", { name: "Add API Key" }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Name").fill("My OpenAI Key");
        await dialog.getByLabel("API Key").fill(fakeKey("openai", "valid"));
        await dialog.getByLabel("Description").fill("Chat completions for the web app");
        await dialog.getByRole("button", { name: "Test" }).click();
        await dialog.getByTestId("test-result").waitFor();
        await screenshot(page, "add-dialog", width, { fullPage: false });
        await dialog.getByRole("button", { name: "Save" }).click();
        await dialog.waitFor({ state: "detached" });

        await addKeysViaApi(page, h.base);
        const userId = await sessionUserId(page);
        for (let i = 0; i < 5; i++) await h.provider.getOpenAIApiKey(userId);
        for (let i = 0; i < 3; i++) await h.provider.getAnthropicApiKey(userId);
        await h.provider.getAWSCredentials(userId);
        await h.rt.usage.flush();

        await page.reload();
        await expect.poll(() => page.getByRole("article").count()).toBe(5);
        await page.getByRole("article", { name: "My OpenAI Key" }).getByRole("button", { name: "Test" }).click();
        await page.getByRole("article", { name: "My OpenAI Key" }).getByTestId("test-result").waitFor();
        await screenshot(page, "keys", width);

        if (width < 768) await page.getByRole("button", { name: "Menu" }).click();
        await page.getByRole("navigation").getByRole("link", { name: "Usage" }).click();
        await page.waitForURL(/\/usage$/);
        await page.getByTestId("usage-chart").locator("svg").first().waitFor();
        await page.waitForTimeout(600); // recharts animates its bars in
        await screenshot(page, "usage", width);

        if (width < 768) await page.getByRole("button", { name: "Menu" }).click();
        await page.getByRole("navigation").getByRole("link", { name: "Access tokens" }).click();
        await page.waitForURL(/\/settings\/tokens$/);
        await page.getByText("No access tokens yet").waitFor();
        await screenshot(page, "tokens-empty", width);

        // An older token (through the API, as a script's owner would) so the list has two rows.
        const older = await page.request.post("/api/tokens", {
          data: { name: "Billing service", scopes: ["resolve"], expiresAt: null },
          headers: { origin: h.base },
        });
        expect(older.status()).toBe(201);
        await page.getByRole("button", { name: "New token" }).click();
        const tokenDialog = page.getByRole("dialog", { name: "New access token" });
        await tokenDialog.getByLabel("Name").fill("GitHub Actions deploy");
        await tokenDialog.getByRole("checkbox", { name: /keys:read/ }).check();
        await tokenDialog.getByRole("checkbox", { name: /keys:write/ }).check();
        await tokenDialog.getByLabel("Expiration").selectOption("90");
        await screenshot(page, "token-dialog", width, { fullPage: false });
        await tokenDialog.getByRole("button", { name: "Create token" }).click();
        await tokenDialog.waitFor({ state: "detached" });
        await page.getByTestId("created-token").waitFor();
        await expect.poll(() => page.getByTestId("token-row").count()).toBe(2);
        await screenshot(page, "tokens", width);

        await keyFileScreenshots(page, width);
      } catch (err) {
        await failureScreenshot(page, `screenshots-${width}`);
        throw err;
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  for (const width of WIDTHS) {
    it(`renders the team pages at ${width} px`, async () => {
      const owner = await h.newPage(width);
      const member = await h.newPage(width);
      let page = owner.page;
      try {
        const call = async (on: Page, path: string, body: object, status = 200) => {
          const res = await on.request.post(path, { data: body, headers: { origin: h.base } });
          expect(res.status(), await res.text()).toBe(status);
          return (await res.json()) as { id: string };
        };
        // People with long addresses, a team with a long name: what crowds a header or a table.
        const memberEmail = uniqueEmail(`grace.hopper.${width}`);
        await call(owner.page, "/api/auth/sign-up/email", { email: uniqueEmail(`ada.lovelace.${width}`), password: PASSWORD, name: "Ada Lovelace" });
        await call(member.page, "/api/auth/sign-up/email", { email: memberEmail, password: PASSWORD, name: "Grace Hopper" });
        const team = await call(owner.page, "/api/auth/organization/create", { name: "Platform Engineering", slug: `platform-engineering-${width}` });
        await call(owner.page, "/api/auth/organization/create", { name: "Research", slug: `research-${width}` });
        const teamKey = (body: object) => call(owner.page, "/api/api-keys", { teamId: team.id, ...body }, 201);
        await teamKey({ name: "Shared OpenAI", service: "openai", value: fakeKey("openai", "valid"), sharing: "use", description: "Chat completions for every internal tool." });
        await teamKey({ name: "Claude for the support bot", service: "anthropic", value: fakeKey("anthropic", "valid"), sharing: "manage" });
        await teamKey({ name: "Groq staging", service: "groq", value: fakeKey("groq", "valid"), sharing: "use", expiresAt: new Date(Date.now() + 3 * DAY).toISOString() });
        // A pending invitation besides the one made in the UI.
        await call(owner.page, "/api/auth/organization/invite-member", { email: uniqueEmail(`alan.turing.${width}`), role: "admin", organizationId: team.id });

        await page.goto(`/teams/${team.id}/keys`);
        await expect.poll(() => page.getByTestId("key-card").count()).toBe(3);
        await page.getByRole("button", { name: "Export team keys" }).waitFor();
        await screenshot(page, "team-keys-owner", width);
        if (width < 768) {
          await page.getByRole("button", { name: "Menu" }).click();
          await page.getByRole("navigation", { name: "Teams" }).getByRole("link", { name: "Members" }).waitFor({ state: "visible" });
          await screenshot(page, "team-menu", width, { fullPage: false });
          await page.getByRole("button", { name: "Menu" }).click();
        }

        await page.goto(`/teams/${team.id}/members`);
        await page.getByTestId("member-row").first().waitFor();
        await page.getByRole("button", { name: "Invite" }).click();
        const invite = page.getByRole("dialog", { name: "Invite to Platform Engineering" });
        await invite.getByLabel("Email").fill(memberEmail);
        await invite.getByRole("button", { name: "Create invitation" }).click();
        const link = (await invite.getByTestId("invitation-link").textContent())!.trim();
        await screenshot(page, "team-invite", width, { fullPage: false });
        await invite.getByRole("button", { name: "Done" }).click();

        page = member.page;
        await page.goto(link);
        await page.getByRole("button", { name: "Accept invitation" }).waitFor();
        await screenshot(page, "team-invitation", width);
        await page.getByRole("button", { name: "Accept invitation" }).click();
        await page.waitForURL(/\/teams\/[^/]+\/keys$/);
        await expect.poll(() => page.getByTestId("key-card").count()).toBe(3);
        // A member may use the keys, never see them: no export, and no import (they add no keys).
        expect(await page.getByRole("button", { name: /Export|Import/ }).count()).toBe(0);
        await screenshot(page, "team-keys-member", width);
        await page.goto(`/teams/${team.id}/members`);
        await expect.poll(() => page.getByTestId("member-row").count()).toBe(2);
        await screenshot(page, "team-members-member", width);

        // Uses of the team's keys by both, so the usage tables have rows for each.
        const memberId = await sessionUserId(member.page);
        const ownerId = await sessionUserId(owner.page);
        for (let i = 0; i < 4; i++) await h.provider.getOpenAIApiKey(memberId);
        for (let i = 0; i < 2; i++) await h.provider.getAnthropicApiKey(memberId);
        for (let i = 0; i < 6; i++) await h.provider.getOpenAIApiKey(ownerId);
        await h.rt.usage.flush();
        await page.goto(`/teams/${team.id}/usage`);
        await page.getByTestId("team-usage-table").waitFor();
        await screenshot(page, "team-usage-member", width);

        page = owner.page;
        await page.goto(`/teams/${team.id}/members`);
        await expect.poll(() => page.getByTestId("member-row").count()).toBe(2);
        await page.getByTestId("invitation-row").first().waitFor();
        await screenshot(page, "team-members", width);

        await page.goto(`/teams/${team.id}/usage`);
        await page.getByTestId("team-usage-table").waitFor();
        await screenshot(page, "team-usage", width);

        await page.goto("/settings/teams");
        await page.getByRole("group", { name: /Preferred team for hand-outs/ }).getByLabel("Platform Engineering").check();
        await page.getByText("Preferred team: Platform Engineering").waitFor();
        await page.reload(); // without the notice over the header
        await expect.poll(() => page.getByTestId("team-row").count()).toBe(2);
        await screenshot(page, "settings-teams", width);
      } catch (err) {
        await failureScreenshot(page, `screenshots-teams-${width}`);
        throw err;
      } finally {
        await owner.context.close();
        await member.context.close();
      }
    });
  }

  for (const width of WIDTHS) {
    it(`renders the admin pages at ${width} px`, async () => {
      const { context, page } = await h.newPage(width);
      try {
        await page.goto("/sign-in");
        await page.getByLabel("Email").fill(adminEmail);
        await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(/\/keys$/);

        const post = async (path: string, body: object) => {
          const res = await page.request.post(path, { data: body, headers: { origin: h.base } });
          expect(res.status(), await res.text()).toBe(201);
          return (await res.json()) as { id: string };
        };
        // Some people, one of them disabled, so the list shows each state.
        if (width === WIDTHS[0]) {
          await post("/api/admin/users", { email: "grace.hopper@example.com", name: "Grace Hopper", password: PASSWORD });
          await post("/api/admin/users", { email: "alan.turing@example.com", name: "Alan Turing", password: PASSWORD });
          const off = await post("/api/admin/users", { email: "mallory@example.com", name: "Mallory Former-Contractor", password: PASSWORD });
          expect((await page.request.post(`/api/admin/users/${off.id}/disable`, { headers: { origin: h.base } })).status()).toBe(200);
        }

        if (width < 768) {
          await page.getByRole("button", { name: "Menu" }).click();
          await page.getByRole("navigation").getByRole("link", { name: "Users" }).waitFor({ state: "visible" });
          await screenshot(page, "admin-menu", width, { fullPage: false });
        }
        await page.getByRole("navigation").getByRole("link", { name: "Users" }).click();
        await page.waitForURL(/\/admin\/users$/);
        await expect.poll(() => page.getByTestId("admin-user-row").count()).toBeGreaterThanOrEqual(4);
        await screenshot(page, "admin-users", width);

        await page.getByRole("button", { name: "Add user" }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Name").fill("Katherine Johnson");
        await dialog.getByLabel("Email").fill("not-an-email");
        await dialog.getByRole("button", { name: "Add user" }).click();
        await dialog.getByText("That doesn't look like an email address").waitFor();
        await screenshot(page, "admin-add-user", width, { fullPage: false });
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "detached" });

        await page.getByRole("button", { name: "Disable grace.hopper@example.com" }).click();
        await page.getByRole("alertdialog").waitFor();
        await screenshot(page, "admin-disable", width, { fullPage: false });
        await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();

        if (width < 768) await page.getByRole("button", { name: "Menu" }).click();
        await page.getByRole("navigation").getByRole("link", { name: "Service tokens" }).click();
        await page.waitForURL(/\/admin\/service-tokens$/);
        if (width === WIDTHS[0]) {
          await page.getByText("No service tokens").waitFor();
          await screenshot(page, "admin-tokens-empty", width);
        }
        await page.getByRole("button", { name: "Create token" }).first().click();
        const create = page.getByRole("dialog");
        await create.getByLabel("Name").fill(`billing-worker-${width}`);
        await create.getByRole("button", { name: "Create token" }).click();
        await create.getByTestId("admin-created-token").waitFor();
        await screenshot(page, "admin-token-created", width, { fullPage: false });
        await create.getByRole("button", { name: "Done" }).click();
        if (width === WIDTHS[0]) {
          await post("/api/admin/tokens", { name: "nightly-report", scopes: ["resolve"], expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
          await page.reload();
        }
        await expect.poll(() => page.getByTestId("admin-token-row").count()).toBeGreaterThanOrEqual(2);
        await screenshot(page, "admin-tokens", width);

        if (width < 768) await page.getByRole("button", { name: "Menu" }).click();
        await page.getByRole("navigation").getByRole("link", { name: "Backups" }).click();
        await page.getByText("Scheduled backups are off").waitFor();
        await screenshot(page, "admin-backups-off", width);
      } catch (err) {
        await failureScreenshot(page, `screenshots-admin-${width}`);
        throw err;
      } finally {
        await context.close();
      }
    });
  }
});

/** A server backing up to `dir`, with a cheap key derivation. */
function backupsTo(dir: string): HarnessOptions {
  const passphraseFile = path.join(tempDir("keyhaven-pass-"), "backup-pass");
  fs.writeFileSync(passphraseFile, "scheduled backups passphrase\n", { mode: 0o600 });
  return {
    env: { KEYHAVEN_BACKUP_DIR: dir, KEYHAVEN_BACKUP_PASSPHRASE_FILE: passphraseFile },
    server: { backupScheduler: { encryption: { kdf: FAST_KDF } } },
  };
}

describe("web app: screenshots of the backups page", () => {
  let working: Harness;
  let failing: Harness;
  beforeAll(async () => {
    working = await startHarness(backupsTo(tempDir("keyhaven-backups-")));
    // A directory that cannot be created: a path under a regular file.
    const base = tempDir("keyhaven-backups-");
    fs.writeFileSync(path.join(base, "a-file"), "x");
    failing = await startHarness(backupsTo(path.join(base, "a-file", "backups")));
  });
  afterAll(async () => {
    await working?.close();
    await failing?.close();
  });

  /** Signs up (the first account is the admin) and waits for the backup taken at start. */
  async function adminOn(h: Harness, width: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context, page } = await h.newPage(width);
    const email = uniqueEmail(`admin-backups-${width}`);
    if (width === WIDTHS[0]) await signUpViaUi(page, "Ada Admin", email);
    else {
      await page.goto("/sign-in");
      await page.getByLabel("Email").fill(adminEmails.get(h)!);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/keys$/);
    }
    if (width === WIDTHS[0]) adminEmails.set(h, email);
    await expect
      .poll(async () => ((await (await page.request.get("/api/admin/backups")).json()) as { last: { status: string } | null }).last?.status, { timeout: 20_000 })
      .toMatch(/^(ok|failed)$/);
    return { page, close: () => context.close() };
  }
  const adminEmails = new Map<Harness, string>();

  for (const width of WIDTHS) {
    it(`renders the backups page at ${width} px`, async () => {
      let on = await adminOn(working, width);
      try {
        await on.page.goto("/admin/backups");
        await on.page.getByTestId("backup-history-row").first().waitFor();
        await screenshot(on.page, "admin-backups", width);
        await on.close();

        on = await adminOn(failing, width);
        await on.page.reload();
        await on.page.getByTestId("backup-alert").waitFor();
        await screenshot(on.page, "keys-backup-alert", width);
        await on.page.goto("/admin/backups");
        await on.page.getByTestId("backup-last").waitFor();
        await screenshot(on.page, "admin-backups-alert", width);
      } catch (err) {
        await failureScreenshot(on.page, `screenshots-backups-${width}`);
        throw err;
      } finally {
        await on.close();
      }
    });
  }
});

describe("web app: screenshots of the gateway's usage and limits", () => {
  let gw: Awaited<ReturnType<typeof startGatewayHarness>>;
  beforeAll(async () => {
    gw = await startGatewayHarness();
  });
  afterAll(async () => {
    await gw?.close();
  });

  for (const width of WIDTHS) {
    it(`renders gateway usage and the limits dialog at ${width} px`, async () => {
      const { context, page } = await gw.h.newPage(width);
      try {
        await signUpViaUi(page, "Ada Lovelace", uniqueEmail(`ada.gateway.${width}`));
        const { keyId, token } = await keyAndToken(page, gw.h.base, { name: "Production OpenAI", value: fakeKey("openai", "valid") }, "Support bot");
        const second = await page.request.post("/api/tokens", { data: { name: "Nightly batch", scopes: ["resolve"], expiresAt: null }, headers: { origin: gw.h.base } });
        expect(second.status()).toBe(201);
        const batch = ((await second.json()) as { token: string; accessToken: { id: string } });
        for (let i = 0; i < 6; i++) expect((await sendChat(gw.h.base, token, "gpt-4o-mini")).status).toBe(200);
        for (let i = 0; i < 3; i++) expect((await sendChat(gw.h.base, batch.token, "gpt-4o")).status).toBe(200);
        expect((await sendChat(gw.h.base, batch.token, UNPRICED_MODEL)).status).toBe(200);
        const one = (await sendChat(gw.h.base, token, "gpt-4o-mini", { max_tokens: 34 })).costUsd!;
        // A budget spent past 80% (an alert), and a token with rate limits only.
        const put = async (path: string, limits: object) => {
          const res = await page.request.put(path, { data: { limits }, headers: { origin: gw.h.base } });
          expect(res.status(), await res.text()).toBe(200);
        };
        await put(`/api/api-keys/${keyId}`, { budget: { usd: Number((one * 20).toPrecision(2)), period: "month" }, requestsPerMinute: 600 });
        await put(`/api/tokens/${batch.accessToken.id}`, { requestsPerMinute: 60, tokensPerMinute: 100000 });
        for (let i = 0; i < 60; i++) if ((await sendChat(gw.h.base, token, "gpt-4o-mini", { max_tokens: 34 })).status !== 200) break;

        await page.goto("/usage");
        await page.getByTestId("gateway-by-key").waitFor();
        await page.getByTestId("budget-alerts").waitFor();
        await page.waitForTimeout(600); // recharts animates its bars in
        await screenshot(page, "gateway-usage", width);
        await page.getByRole("group", { name: "Chart shows" }).getByRole("button", { name: "Cost" }).click();
        await page.getByTestId("gateway-chart").scrollIntoViewIfNeeded();
        await page.waitForTimeout(600);
        await screenshot(page, "gateway-chart-cost", width, { fullPage: false });

        await page.goto("/keys");
        await page.getByRole("article", { name: "Production OpenAI" }).getByRole("button", { name: "Limits" }).click();
        await page.getByRole("dialog").getByLabel(/Amount \(USD\)/).waitFor();
        await screenshot(page, "limits-dialog", width, { fullPage: false });
      } catch (err) {
        await failureScreenshot(page, `screenshots-gateway-${width}`);
        throw err;
      } finally {
        await context.close();
      }
    });
  }
});
