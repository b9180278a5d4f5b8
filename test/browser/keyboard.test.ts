/**
 * Keyboard only: Tab through the sign-in form and submit with Enter; open "Add API Key" from the
 * keyboard and close it with Escape; every focused control shows a visible focus indicator; a
 * closed dialog hands the focus back to the control that opened it.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { fakeKey } from "../support/fake-provider.js";
import { flowSteps, focusIndicator, PASSWORD, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

/** Presses Tab until `matches` holds for the focused element (at most `max` presses). */
async function tabTo(page: Page, what: string, matches: () => Promise<boolean>, max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await matches()) return;
  }
  throw new Error(`${max} Tab presses never reached ${what}`);
}

async function expectVisibleFocus(page: Page, what: string): Promise<void> {
  const f = await focusIndicator(page);
  expect(f.visible, `${what} has no visible focus: ${JSON.stringify(f)}`).toBe(true);
}

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
const focusedElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el === document.body ? "<body> (focus lost)" : (el?.outerHTML.slice(0, 100) ?? "nothing");
  });

describe("web app: keyboard (1280 px)", () => {
  let h: Harness;
  let context: BrowserContext;
  let page: Page;
  const email = uniqueEmail("kbd");
  const step = flowSteps(() => page);

  beforeAll(async () => {
    h = await startHarness();
    const res = await fetch(`${h.base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: h.base },
      body: JSON.stringify({ name: "Kay Board", email, password: PASSWORD }),
    });
    expect(res.status, await res.text()).toBe(200);
    ({ context, page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  step("1. Tab through the sign-in form (focus visible) and submit with Enter", async () => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");
    await tabTo(page, "the Email field", async () => (await focusedId()) === "sign-in-email");
    await expectVisibleFocus(page, "Email field");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    expect(await focusedId()).toBe("sign-in-password");
    await expectVisibleFocus(page, "Password field");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/keys$/);
    await page.getByText("No API keys yet").waitFor();
  });

  step("2. Tab to 'Add API Key' (every stop visibly focused), Enter opens the dialog, Escape closes it", async () => {
    const addButton = page.getByRole("button", { name: "Add API Key" });
    await tabTo(page, "the Add API Key button", async () => {
      const f = await focusIndicator(page);
      expect(f.visible, `focus not visible on ${JSON.stringify(f)}`).toBe(true);
      return isFocused(addButton);
    });
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    // Focus moved into the dialog and stays there, visibly.
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await expectVisibleFocus(page, "a control in the dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  step("3. closing a dialog gives the focus back to the button that opened it", async () => {
    // Add dialog, Escape.
    const addButton = page.getByRole("button", { name: "Add API Key" });
    await addButton.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.waitForTimeout(100);
    expect.soft(await isFocused(addButton), `after Escape in "Add a key" the focus is on ${await focusedElement(page)}`).toBe(true);
    if (await isFocused(addButton)) await expectVisibleFocus(page, "Add API Key after the dialog closed");

    // Edit dialog, Escape; then the delete confirmation, Cancel.
    const res = await page.request.post("/api/api-keys", {
      data: { name: "Keyboard key", service: "openai", value: fakeKey("openai", "valid") },
      headers: { origin: h.base },
    });
    expect(res.status()).toBe(201);
    await page.reload();
    const card = page.getByRole("article", { name: "Keyboard key" });
    const edit = card.getByRole("button", { name: "Edit" });
    await edit.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.waitForTimeout(100);
    expect.soft(await isFocused(edit), `after Escape in "Edit key" the focus is on ${await focusedElement(page)}`).toBe(true);

    const del = card.getByRole("button", { name: "Delete" });
    await del.focus();
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("alertdialog");
    await confirm.waitFor();
    // Cancel holds the focus, so Enter never deletes by accident.
    expect(await isFocused(confirm.getByRole("button", { name: "Cancel" }))).toBe(true);
    await page.keyboard.press("Enter");
    await confirm.waitFor({ state: "detached" });
    await page.waitForTimeout(100);
    expect(await card.count()).toBe(1);
    expect.soft(await isFocused(del), `after Cancel in the delete confirmation the focus is on ${await focusedElement(page)}`).toBe(true);
  });
});
