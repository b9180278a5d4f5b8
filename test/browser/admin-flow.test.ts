/**
 * Instance administration as a person does it in Chromium at 1280 px: the first account is the
 * admin and sees the admin pages → adds a second user → that user signs in (no admin pages for
 * them) → the admin disables them with a confirmation and their open session stops working →
 * the admin creates a service token, shown once with Copy and a warning → revokes it.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { flowSteps, PASSWORD, signUpViaUi, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

describe("web app: admin flow (1280 px)", () => {
  let h: Harness;
  let page: Page;
  let other: { context: BrowserContext; page: Page };
  const grace = uniqueEmail("grace");
  let token = "";
  const step = flowSteps(() => page);
  const nav = () => page.getByRole("navigation", { name: "Main" });

  beforeAll(async () => {
    h = await startHarness();
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. the first account is the admin: Users and Service tokens are in the navigation", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada"));
    await nav().getByRole("link", { name: "Users" }).click();
    await page.waitForURL(/\/admin\/users$/);
    const rows = page.getByTestId("admin-user-row");
    await expect.poll(() => rows.count()).toBe(1);
    const mine = await rows.first().textContent();
    expect(mine).toContain("You");
    expect(mine).toContain("Admin");
    // No Disable button on one's own row.
    expect(await rows.first().getByRole("button").count()).toBe(0);
  });

  step("2. adds a second user through the form (a mistake is caught first)", async () => {
    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Grace Hopper");
    await dialog.getByLabel("Email").fill(grace);
    await dialog.getByLabel("Password", { exact: true }).fill("short");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await dialog.getByText("Use at least 8 characters").waitFor();
    await dialog.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await dialog.getByRole("button", { name: "Add user" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(`Added ${grace}`);
    await expect.poll(() => page.getByTestId("admin-user-row").count()).toBe(2);
  });

  step("3. the new user signs in; no admin pages for them", async () => {
    other = await h.newPage(1280);
    const p = other.page;
    await p.goto("/sign-in");
    await p.getByLabel("Email").fill(grace);
    await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.waitForURL(/\/keys$/);
    expect(await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).count()).toBe(0);
    await p.goto("/admin/users");
    await p.getByText("Nothing here").waitFor();
    expect((await p.request.get("/api/admin/users")).status()).toBe(403);
  });

  step("4. the admin disables them after confirming; their open session stops working", async () => {
    const row = page.getByTestId("admin-user-row").filter({ hasText: grace });
    await row.getByRole("button", { name: `Disable ${grace}` }).click();
    const confirm = page.getByRole("alertdialog");
    expect(await confirm.textContent()).toContain("signed out everywhere");
    await confirm.getByRole("button", { name: "Disable" }).click();
    await confirm.waitFor({ state: "detached" });
    await expect.poll(() => row.textContent()).toContain("Disabled");

    expect((await other.page.request.get("/api/api-keys")).status()).toBe(401);
    await other.page.reload();
    await other.page.waitForURL(/\/sign-in/);
    await other.page.getByLabel("Email").fill(grace);
    await other.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByText("This account is disabled; an administrator can enable it again").waitFor();
    await other.context.close();
  });

  step("5. creates a service token: shown once, with Copy and a warning", async () => {
    await nav().getByRole("link", { name: "Service tokens" }).click();
    await page.waitForURL(/\/admin\/service-tokens$/);
    await page.getByText("No service tokens").waitFor();
    await page.getByRole("button", { name: "Create token" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("billing-worker");
    expect(await dialog.getByRole("checkbox").isChecked()).toBe(true);
    await dialog.getByRole("button", { name: "Create token" }).click();
    const shown = dialog.getByTestId("admin-created-token");
    await shown.waitFor();
    token = (await shown.textContent()) ?? "";
    expect(token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
    expect(await dialog.textContent()).toContain("shown only once");
    await dialog.getByRole("button", { name: "Copy" }).click();
    await dialog.getByText("Copied to clipboard").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });

    const row = page.getByTestId("admin-token-row");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(`kh_${token.slice(3, 11)}`);
    expect(await page.content()).not.toContain(token);
    // It is a real service token: it resolves keys, and may not list them.
    await expect(h.rt.tokens.verify(token)).resolves.toMatchObject({ kind: "service", userId: null });
  });

  step("6. revokes it after confirming: refused from then on", async () => {
    await page.getByRole("button", { name: "Revoke billing-worker" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
    await page.getByText("No service tokens").waitFor();
    await expect(h.rt.tokens.verify(token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
