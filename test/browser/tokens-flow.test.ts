/**
 * Settings → Access tokens in Chromium at 1280 px, against the real server: sign up → make a
 * token with two scopes → it is shown once and copied → it works as a Bearer from outside the
 * browser → revoked in the UI, the same request is refused at once; then the same by keyboard
 * alone. Each step is its own test; after a failure the rest are skipped.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { flowSteps, focusIndicator, signUpViaUi, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

const TOKEN_NAME = "CI deploy";

describe("web app: access tokens (1280 px)", () => {
  let h: Harness;
  let page: Page;
  let token: string;
  const row = (): Locator => page.getByRole("article", { name: TOKEN_NAME });
  const step = flowSteps(() => page);
  // From the test process, as a script would: no cookie, no Origin.
  const listKeys = () => fetch(`${h.base}/api/api-keys`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    h = await startHarness();
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. signs up and finds Access tokens under Settings, empty", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada-tokens"));
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("list", { name: "Settings" }).getByRole("link", { name: "Access tokens" }).click();
    await page.waitForURL(/\/settings\/tokens$/);
    await page.getByText("No access tokens yet").waitFor();
    expect(await page.title()).toBe("Access tokens · Keyhaven");
  });

  step("2. a token without a name or scopes is not sent; the form says what to fix", async () => {
    await page.getByRole("button", { name: "New token" }).click();
    const dialog = page.getByRole("dialog", { name: "New access token" });
    await dialog.waitFor();
    // The first field has the focus; resolve is checked by default.
    expect(await dialog.getByLabel("Name").evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await dialog.getByRole("checkbox", { name: /resolve/ }).isChecked()).toBe(true);
    await dialog.getByRole("checkbox", { name: /resolve/ }).uncheck();
    await dialog.getByRole("button", { name: "Create token" }).click();
    await dialog.getByText("Give the token a name").waitFor();
    await dialog.getByText("Pick at least one scope").waitFor();
    expect(await dialog.getByLabel("Name").evaluate((el) => el === document.activeElement)).toBe(true);
  });

  step("3. creates a token with keys:read and resolve; it is shown once, with a usage hint", async () => {
    const dialog = page.getByRole("dialog", { name: "New access token" });
    await dialog.getByLabel("Name").fill(TOKEN_NAME);
    await dialog.getByRole("checkbox", { name: /keys:read/ }).check();
    await dialog.getByRole("checkbox", { name: /resolve/ }).check();
    await dialog.getByLabel("Expiration").selectOption("90");
    await dialog.getByRole("button", { name: "Create token" }).click();
    await dialog.waitFor({ state: "detached" });

    const panel = page.getByTestId("created-token");
    await panel.waitFor();
    token = (await panel.getByTestId("created-token-value").textContent())!.trim();
    expect(token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
    expect(await panel.textContent()).toContain("you won’t see it again");
    expect(await panel.getByTestId("token-usage-curl").textContent()).toBe(`curl -H "Authorization: Bearer kh_…" \\\n  ${h.base}/api/resolve/openai`);
    // Focus went from the dialog to the new token's Copy button.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Copy");

    await row().waitFor();
    expect(await row().getByTestId("token-prefix").textContent()).toBe(`kh_${token.slice(3, 11)}…`);
    expect(await row().getByRole("list", { name: "Scopes" }).getByRole("listitem").allTextContents()).toEqual(["keys:read", "resolve"]);
    expect(await row().getByTestId("token-last-used").textContent()).toBe("Never used");
    expect(await row().getByTestId("token-expires").textContent()).not.toBe("Never");
  });

  step("4. copies it to the clipboard", async () => {
    const panel = page.getByTestId("created-token");
    await panel.getByRole("button", { name: "Copy" }).click();
    await panel.getByText("Copied to clipboard").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  });

  step("5. the token works as a Bearer against /api/api-keys", async () => {
    const res = await listKeys();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiKeys: [], nextCursor: null });
  });

  step("6. dismissed, the token is gone from the page for good, also after a reload", async () => {
    await page.getByRole("button", { name: "I’ve copied it, hide it" }).click();
    await page.getByTestId("created-token").waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await row().waitFor();
    expect(await page.content()).not.toContain(token);
    // Last use is written in batches; after a flush the row shows it.
    await expect.poll(async () => {
      await page.reload();
      return row().getByTestId("token-last-used").textContent();
    }).not.toBe("Never used");
  });

  step("7. Revoke asks first; Cancel keeps the token working", async () => {
    await row().getByRole("button", { name: "Revoke" }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(TOKEN_NAME);
    expect(await confirm.getByRole("button", { name: "Cancel" }).evaluate((el) => el === document.activeElement)).toBe(true);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await row().getByRole("button", { name: "Revoke" }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await listKeys()).status).toBe(200);
  });

  step("8. revoked in the UI: gone from the list, and the same request gets 401 at once", async () => {
    await row().getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
    await row().waitFor({ state: "detached" });
    await page.getByText("No access tokens yet").waitFor();
    const res = await listKeys();
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    await page.reload();
    await page.getByText("No access tokens yet").waitFor();
  });

  step("9. by keyboard alone: open, Escape, open again, tick a scope, Enter creates; focus follows", async () => {
    const focused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
    const expectVisibleFocus = async () => expect((await focusIndicator(page)).visible).toBe(true);
    const newButton = page.getByRole("button", { name: "New token" });
    await newButton.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New access token" });
    await dialog.waitFor();
    expect(await focused(dialog.getByLabel("Name"))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await focused(newButton)).toBe(true);

    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.type("Keyboard token");
    // Name → keys:read (the first scope): one Tab; Space ticks it.
    await page.keyboard.press("Tab");
    expect(await focused(dialog.getByRole("checkbox", { name: /keys:read/ }))).toBe(true);
    await expectVisibleFocus();
    await page.keyboard.press("Space");
    expect(await dialog.getByRole("checkbox", { name: /keys:read/ }).isChecked()).toBe(true);
    await dialog.getByLabel("Name").focus();
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    const panel = page.getByTestId("created-token");
    await panel.waitFor();
    expect(await focused(panel.getByRole("button", { name: "Copy" }))).toBe(true);
    await expectVisibleFocus();

    // Dismissed, the focus goes back to "New token" rather than to nowhere.
    await panel.getByRole("button", { name: "I’ve copied it, hide it" }).focus();
    await page.keyboard.press("Enter");
    await panel.waitFor({ state: "detached" });
    expect(await focused(newButton)).toBe(true);
    const made = page.getByRole("article", { name: "Keyboard token" });
    expect(await made.getByRole("list", { name: "Scopes" }).getByRole("listitem").allTextContents()).toEqual(["keys:read", "resolve"]);
  });
});
