/**
 * Teams in Chromium at 1280 px, against the real server: Ada makes a team → adds a use-only
 * team key → invites Grace by email and copies the link → Grace (her own browser context) signs
 * up with that email, opens the link, accepts → Grace sees the key as use-only (no Reveal), the
 * used link says it can't be used, the server refuses her the value, and her application gets
 * it through the library (a `createKeyhaven` of its own on the server's database) as the team's
 * → made an admin, she may reveal it → Ada removes her in the UI and Grace's next hand-out has
 * no team key; then the members page by keyboard alone, and the team renamed and deleted.
 * Each step is its own test; after a failure the rest are skipped.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, vi } from "vitest";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { createKeyhaven, type Keyhaven } from "../../src/index.js";
import { flowSteps, focusIndicator, sessionUserId, signUpViaUi, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

const TEAM = "Platform";
const KEY_NAME = "Shared OpenAI";

describe("web app: teams (1280 px)", () => {
  let h: Harness;
  let ada: Page;
  let grace: Page;
  let graceContext: BrowserContext;
  let current: Page | undefined;
  let app: Keyhaven;
  let teamId: string;
  let keyId: string;
  let link: string;
  let graceId: string;
  const graceEmail = uniqueEmail("grace-team");
  // Served by nothing: it is only stored and handed out; unique, so a leak is found by search.
  const keyValue = `sk-proj-team${randomBytes(12).toString("hex")}`;
  const step = flowSteps(() => current);
  const card = (page: Page): Locator => page.getByRole("article", { name: KEY_NAME });
  const teams = (page: Page) => page.getByRole("navigation", { name: "Teams" });

  beforeAll(async () => {
    // The application's own Keyhaven reads the environment too: the machine's must not leak in.
    for (const name of ["DATABASE_URL", "OPENAI_API_KEY", "KEYHAVEN_MASTER_KEY", "KEYHAVEN_DATA_DIR"]) vi.stubEnv(name, undefined);
    h = await startHarness();
    ({ page: ada } = await h.newPage(1280));
    ({ page: grace, context: graceContext } = await h.newPage(1280));
    current = ada;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
    vi.unstubAllEnvs();
  });

  step("1. Ada signs up and makes a team from the sidebar; she lands on its empty keys page", async () => {
    await signUpViaUi(ada, "Ada Lovelace", uniqueEmail("ada-team"));
    await teams(ada).getByRole("button", { name: "New team" }).click();
    const dialog = ada.getByRole("dialog", { name: "New team" });
    await dialog.getByLabel("Team name").fill(TEAM);
    await dialog.getByRole("button", { name: "Create team" }).click();
    await dialog.waitFor({ state: "detached" });
    await ada.waitForURL(/\/teams\/[^/]+\/keys$/);
    teamId = new URL(ada.url()).pathname.split("/")[2];
    await ada.getByText("No team keys yet").waitFor();
    expect(await ada.getByTestId("team-eyebrow").textContent()).toBe(`Team · ${TEAM}`);
    // The switcher shows the team; the server agrees she owns it.
    expect(await teams(ada).getByLabel("Team", { exact: true }).inputValue()).toBe(teamId);
    const list = (await (await ada.request.get("/api/teams")).json()) as { teams: { id: string; name: string; role: string }[] };
    expect(list.teams).toEqual([expect.objectContaining({ id: teamId, name: TEAM, role: "owner" })]);
  });

  step("2. adds a team key, shared 'use' (the default); the card says so and offers her everything", async () => {
    await ada.getByRole("button", { name: "Add team key" }).click();
    const dialog = ada.getByRole("dialog", { name: "Add a team key" });
    await dialog.getByLabel("Name").fill(KEY_NAME);
    await dialog.getByLabel("Service").selectOption("openai");
    await dialog.getByLabel("API Key").fill(keyValue);
    expect(await dialog.getByLabel("Sharing").inputValue()).toBe("use");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await card(ada).waitFor();
    keyId = (await card(ada).getAttribute("data-key-id"))!;
    expect(await card(ada).getByTestId("team-badge").textContent()).toBe("Team · use only");
    expect(await card(ada).getByTestId("key-access-note").count()).toBe(0);
    for (const action of ["Reveal", "Edit", "Delete", "Rotate", "Test", "History"]) {
      expect(await card(ada).getByRole("button", { name: action, exact: true }).count(), action).toBe(1);
    }
    expect(await ada.content()).not.toContain(keyValue);
    const stored = (await (await ada.request.get(`/api/api-keys/${keyId}`)).json()) as { teamId: string; sharing: string };
    expect(stored).toMatchObject({ teamId, sharing: "use" });
  });

  step("3. Members → Invite Grace by email; the link is shown and copied", async () => {
    await teams(ada).getByRole("link", { name: "Members" }).click();
    await ada.waitForURL(new RegExp(`/teams/${teamId}/members$`));
    await ada.getByTestId("member-row").first().waitFor();
    expect(await ada.getByTestId("member-row").count()).toBe(1);
    await ada.getByRole("button", { name: "Invite" }).click();
    const dialog = ada.getByRole("dialog", { name: `Invite to ${TEAM}` });
    await dialog.getByLabel("Email").fill(graceEmail);
    expect(await dialog.getByLabel("Role").inputValue()).toBe("member");
    await dialog.getByRole("button", { name: "Create invitation" }).click();
    link = (await dialog.getByTestId("invitation-link").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${h.base}/invite/[^/]+$`));
    await dialog.getByRole("button", { name: "Copy link" }).click();
    expect(await ada.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    const pending = ada.getByTestId("invitation-row");
    await pending.waitFor();
    expect(await pending.getAttribute("data-email")).toBe(graceEmail);
  });

  step("4. Grace signs up with that email, opens the link and accepts; she lands on the team's keys", async () => {
    current = grace;
    await signUpViaUi(grace, "Grace Hopper", graceEmail);
    graceId = await sessionUserId(grace);
    await grace.goto(link);
    await grace.getByRole("heading", { name: `Join ${TEAM}` }).waitFor();
    expect(await grace.getByTestId("invitation-role").textContent()).toBe("member");
    await grace.getByRole("button", { name: "Accept invitation" }).click();
    await grace.waitForURL(new RegExp(`/teams/${teamId}/keys$`));
    await card(grace).waitFor();
  });

  step("5. Grace sees the key as use only: badge, note, and none of the admin's buttons", async () => {
    const c = card(grace);
    expect(await c.getByTestId("team-badge").textContent()).toBe("Team · use only");
    expect(await c.getByTestId("key-access-note").textContent()).toBe("You can use this key; only admins can see it");
    for (const action of ["Reveal", "Edit", "Delete", "Rotate", "Test", "History"]) {
      expect(await c.getByRole("button", { name: action, exact: true }).count(), action).toBe(0);
    }
    expect(await c.getByRole("switch").count()).toBe(0);
    expect(await grace.getByRole("button", { name: "Add team key" }).count()).toBe(0);
    expect(await grace.content()).not.toContain(keyValue);
  });

  step("6. Grace's members page: both of them, nothing to change, only Leave", async () => {
    await teams(grace).getByRole("link", { name: "Members" }).click();
    await grace.waitForURL(new RegExp(`/teams/${teamId}/members$`));
    await expect.poll(() => grace.getByTestId("member-row").count()).toBe(2);
    expect(await grace.getByRole("button", { name: "Invite" }).count()).toBe(0);
    expect(await grace.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await grace.getByRole("combobox", { name: /^Role for / }).count()).toBe(0);
    expect(await grace.getByRole("region", { name: "Team settings" }).count()).toBe(0);
    expect(await grace.getByRole("region", { name: "Pending invitations" }).count()).toBe(0);
    await grace.getByRole("button", { name: "Leave team" }).waitFor();
    await teams(grace).getByRole("link", { name: "Keys" }).click();
    await card(grace).waitFor();
  });

  step("7. the link, once used, says it can't be used, with a way back", async () => {
    await grace.goto(link);
    const problem = grace.getByTestId("invitation-problem");
    await problem.getByRole("heading", { name: "This invitation can't be used" }).waitFor();
    expect(await problem.textContent()).toContain("Ask the team for a new one");
    await problem.getByRole("link", { name: "Go to your API keys" }).click();
    await grace.waitForURL(/\/keys$/);
    await grace.goto(`/teams/${teamId}/keys`);
    await card(grace).waitFor();
  });

  step("8. asked directly with her session, the server refuses Grace the value (403)", async () => {
    const res = await grace.evaluate(async (id) => {
      const r = await fetch(`/api/api-keys/${id}?includeValue=true`, { credentials: "same-origin" });
      return { status: r.status, body: await r.text() };
    }, keyId);
    expect(res.status).toBe(403);
    expect(res.body).not.toContain(keyValue);
    expect(res.body).not.toContain(keyValue.slice(8));
  });

  step("9. Grace's application gets the key through the library, as the team's", async () => {
    app = await createKeyhaven(h.storage);
    const config = await app.apiKeyProvider.getServiceConfig(graceId, "openai");
    expect(config).toMatchObject({ service: "openai", apiKey: keyValue, source: "team", teamId });
    expect(config!.headers.Authorization ?? config!.headers.authorization).toBe(`Bearer ${keyValue}`);
    // The server's own provider agrees.
    expect(await h.provider.getServiceConfig(graceId, "openai")).toMatchObject({ apiKey: keyValue, source: "team", teamId });
  });

  step("10. Ada makes Grace an admin (the role saved by its own button); Grace may now reveal the key", async () => {
    current = ada;
    // Away and back (no reload): the members list is fetched again, with Grace now in it.
    await teams(ada).getByRole("link", { name: "Keys" }).click();
    await card(ada).waitFor();
    await teams(ada).getByRole("link", { name: "Members" }).click();
    await ada.waitForURL(new RegExp(`/teams/${teamId}/members$`));
    const role = ada.getByLabel(`Role for ${graceEmail}`);
    await role.selectOption("admin");
    await ada.getByRole("button", { name: `Save role for ${graceEmail}` }).click();
    await ada.getByText(`${graceEmail} is now admin`).waitFor();
    expect(await role.inputValue()).toBe("admin");

    current = grace;
    await grace.reload();
    const c = card(grace);
    await c.getByRole("button", { name: "Reveal" }).click();
    expect(await c.getByTestId("revealed-value").textContent()).toBe(keyValue);
    await c.getByRole("button", { name: "Hide" }).click();
    await c.getByTestId("revealed-value").waitFor({ state: "detached" });
    expect(await c.getByTestId("key-access-note").count()).toBe(0);
  });

  step("11. Ada removes Grace on the members page, after confirming", async () => {
    current = ada;
    await ada.reload();
    const row = ada.locator(`[data-testid="member-row"][data-email="${graceEmail}"]`);
    await row.waitFor();
    // The accepted invitation is no longer pending.
    expect(await ada.getByTestId("invitation-row").count()).toBe(0);
    await ada.getByRole("button", { name: `Remove ${graceEmail}` }).click();
    const confirm = ada.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(graceEmail);
    await confirm.getByRole("button", { name: "Remove", exact: true }).click();
    await confirm.waitFor({ state: "detached" });
    await row.waitFor({ state: "detached" });
    await ada.getByText(`Removed ${graceEmail}`).waitFor();
    expect(await ada.getByTestId("member-row").count()).toBe(1);
  });

  step("12. Grace's next hand-out has no team key; her team page says she is not in it", async () => {
    current = grace;
    expect(await app.apiKeyProvider.getServiceConfig(graceId, "openai")).toBeUndefined();
    expect(await app.apiKeyProvider.getOpenAIApiKey(graceId)).toBeUndefined();
    expect(await h.provider.getServiceConfig(graceId, "openai")).toBeUndefined();
    expect((await grace.request.get(`/api/api-keys/${keyId}`)).status()).toBe(404);
    await grace.reload();
    await grace.getByText("You're not in this team").waitFor();
    expect(await card(grace).count()).toBe(0);
    await graceContext.close();
  });

  step("13. by keyboard alone on the members page: Invite opens, Escape closes, an invitation is made and cancelled", async () => {
    current = ada;
    const focused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
    const expectVisibleFocus = async (what: string) => {
      const f = await focusIndicator(ada);
      expect(f.visible, `${what} has no visible focus: ${JSON.stringify(f)}`).toBe(true);
    };
    const tabTo = async (what: string, target: Locator, max = 30) => {
      for (let i = 0; i < max; i++) {
        await ada.keyboard.press("Tab");
        if (await focused(target)) return;
      }
      throw new Error(`${max} Tab presses never reached ${what}`);
    };
    const other = uniqueEmail("kay-team");
    const invite = ada.getByRole("button", { name: "Invite" });
    await ada.reload();
    await ada.getByTestId("member-row").first().waitFor();
    await ada.locator("body").focus();
    await tabTo("Invite", invite);
    await expectVisibleFocus("Invite");
    await ada.keyboard.press("Enter");
    const dialog = ada.getByRole("dialog", { name: `Invite to ${TEAM}` });
    await dialog.waitFor();
    expect(await focused(dialog.getByLabel("Email"))).toBe(true);
    await ada.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await focused(invite)).toBe(true);

    await ada.keyboard.press("Enter");
    await dialog.waitFor();
    await ada.keyboard.type(other);
    await ada.keyboard.press("Tab");
    expect(await focused(dialog.getByLabel("Role"))).toBe(true);
    await expectVisibleFocus("Role");
    // Enter in the Email field sends the form (Shift+Tab back to it).
    await ada.keyboard.press("Shift+Tab");
    await ada.keyboard.press("Enter");
    await dialog.getByTestId("invitation-link").waitFor();
    // The link's Copy button takes the focus; Enter copies.
    expect(await focused(dialog.getByRole("button", { name: "Copy link" }))).toBe(true);
    await expectVisibleFocus("Copy link");
    await ada.keyboard.press("Enter");
    expect(await ada.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`^${h.base}/invite/`));
    await ada.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await focused(invite)).toBe(true);

    // Cancel the invitation: the confirmation opens on its Cancel, so Enter there changes nothing.
    const cancel = ada.getByRole("button", { name: `Cancel the invitation for ${other}` });
    await cancel.waitFor();
    await tabTo("the invitation's Cancel", cancel);
    await expectVisibleFocus("the invitation's Cancel");
    await ada.keyboard.press("Enter");
    const confirm = ada.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await focused(confirm.getByRole("button", { name: "Cancel", exact: true }))).toBe(true);
    await ada.keyboard.press("Enter");
    await confirm.waitFor({ state: "detached" });
    expect(await focused(cancel)).toBe(true);
    await ada.keyboard.press("Enter");
    await confirm.waitFor();
    await ada.keyboard.press("Tab");
    expect(await focused(confirm.getByRole("button", { name: "Cancel invitation" }))).toBe(true);
    await expectVisibleFocus("Cancel invitation");
    await ada.keyboard.press("Enter");
    await confirm.waitFor({ state: "detached" });
    await cancel.waitFor({ state: "detached" });
    await ada.getByText("No pending invitations").waitFor();
    // The focus is somewhere on the page, not lost to <body>.
    expect(await ada.evaluate(() => document.activeElement !== document.body)).toBe(true);
  });

  step("14. Ada renames the team, then deletes it: its key goes with it, and she is back on her own keys", async () => {
    const settings = ada.getByRole("region", { name: "Team settings" });
    await settings.getByLabel("Team name").fill("Platform Team");
    await settings.getByRole("button", { name: "Rename" }).click();
    await ada.getByText("Renamed to Platform Team").waitFor();
    await expect.poll(() => ada.getByTestId("team-eyebrow").textContent()).toBe("Team · Platform Team");
    expect(await teams(ada).getByLabel("Team", { exact: true }).locator("option:checked").textContent()).toBe("Platform Team");

    await settings.getByRole("button", { name: "Delete team" }).click();
    const confirm = ada.getByRole("alertdialog", { name: "Delete Platform Team?" });
    await confirm.getByRole("button", { name: "Delete team" }).click();
    await ada.waitForURL(/\/keys$/);
    expect(await teams(ada).getByLabel("Team", { exact: true }).inputValue()).toBe("");
    expect((await ada.request.get(`/api/api-keys/${keyId}`)).status()).toBe(404);
    expect(((await (await ada.request.get("/api/teams")).json()) as { teams: unknown[] }).teams).toEqual([]);
    expect(await h.provider.getOpenAIApiKey(await sessionUserId(ada))).toBeUndefined();
  });
});
