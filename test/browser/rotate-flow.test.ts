/**
 * Rotation in Chromium against the real server and the fake provider: a rotation period makes
 * the "Rotation due" badge and list appear → the rotate dialog refuses a key the provider
 * rejects (the provider's words shown, nothing changed) → accepts a valid one, which replaces
 * the current value → the old value is listed in History → rolled back after a confirmation.
 * Then the two dialogs at 1280 and 375 px in test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { flowSteps, screenshot, signUpViaUi, startHarness, uniqueEmail, viewportFor, WIDTHS, type Harness } from "./support/harness.js";

const KEY_NAME = "Production OpenAI";
const FIRST = "sk-proj-valid-FirstValueOfTheKey0123456789";
const REJECTED = "sk-proj-invalid-RejectedByTheProvider012345";
const SECOND = "sk-proj-valid-SecondValueOfTheKey987654321";
const mask = (v: string) => `sk-…${v.slice(-4)}`;

describe("web app: rotate a key, see its history, roll back (1280 px)", () => {
  let h: Harness;
  let page: Page;
  const card = (): Locator => page.getByTestId("key-card").filter({ hasText: KEY_NAME });
  const rotateDialog = () => page.getByRole("dialog", { name: `Rotate “${KEY_NAME}”` });
  const historyDialog = () => page.getByRole("dialog", { name: `History of “${KEY_NAME}”` });
  const step = flowSteps(() => page);

  beforeAll(async () => {
    h = await startHarness();
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. a saved key has no rotation badge and nothing is due", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada-rotate"));
    const res = await page.request.post("/api/api-keys", {
      data: { name: KEY_NAME, service: "openai", value: FIRST },
      headers: { origin: h.base },
    });
    expect(res.status()).toBe(201);
    await page.reload();
    await card().waitFor();
    expect(await card().getByTestId("masked-value").textContent()).toBe(mask(FIRST));
    expect(await card().getByTestId("rotation-badge").count()).toBe(0);
    expect(await page.getByTestId("rotation-due-keys").count()).toBe(0);
  });

  step("2. a 5-day rotation period: the badge says due, the key is in the Rotation due list", async () => {
    await card().getByRole("button", { name: "Rotate" }).click();
    const dialog = rotateDialog();
    await dialog.waitFor();
    await dialog.getByLabel("Rotate every (days)").fill("0");
    await dialog.getByRole("button", { name: "Save period" }).click();
    await dialog.getByText("A whole number of days from 1 to 3650, or empty for no period").waitFor();
    await dialog.getByLabel("Rotate every (days)").fill("5");
    await dialog.getByRole("button", { name: "Save period" }).click();
    await dialog.getByText(/Next rotation due/).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => card().getByTestId("rotation-badge").getAttribute("data-state")).toBe("due");
    expect(await card().getByTestId("rotation-badge").textContent()).toBe("Rotation due");
    const due = page.getByTestId("rotation-due-keys");
    await due.waitFor();
    expect(await due.textContent()).toContain(KEY_NAME);
  });

  step("3. a key the provider rejects is refused with its words; nothing changes", async () => {
    await card().getByRole("button", { name: "Rotate" }).click();
    const dialog = rotateDialog();
    await dialog.getByLabel("New key").fill(REJECTED);
    await dialog.getByRole("button", { name: "Test and replace" }).click();
    const error = dialog.getByTestId("form-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^The new key was not accepted: The provider rejected the key \(HTTP 401\).*Nothing was changed\.$/);
    expect(h.fake.requests.some((r) => r.headers.authorization === `Bearer ${REJECTED}`)).toBe(true);
    expect(await card().getByTestId("masked-value").textContent()).toBe(mask(FIRST));
    // The refused key stays in its field to be corrected; it is not in the message.
    expect(await error.textContent()).not.toContain(REJECTED.slice(8));
  });

  step("4. a valid key is tested and replaces the current value; the badge stays (5 days to go)", async () => {
    const dialog = rotateDialog();
    await dialog.getByLabel("New key").fill(SECOND);
    await dialog.getByRole("button", { name: "Test and replace" }).click();
    const result = dialog.getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-status")).toBe("valid");
    expect(await result.textContent()).toContain(`Now in use (${mask(SECOND)}); the previous value is kept in History.`);
    expect(await dialog.getByTestId("form-error").count()).toBe(0);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => card().getByTestId("masked-value").textContent()).toBe(mask(SECOND));
    // Rotated just now, with 5 days to go: due again within the 7-day window.
    expect(await card().getByTestId("rotation-badge").getAttribute("data-state")).toBe("due");
    expect(await page.getByTestId("notice").textContent()).toBe(`Rotated ${KEY_NAME}`);
    expect(await page.content()).not.toContain(SECOND);
  });

  step("5. History lists both values, masked; rolling back asks first, then makes the old one current", async () => {
    await card().getByRole("button", { name: "History" }).click();
    const dialog = historyDialog();
    await dialog.waitFor();
    const versions = dialog.getByTestId("version");
    await expect.poll(() => versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toContain(`v2${mask(SECOND)}Current`);
    expect(await versions.nth(1).textContent()).toContain(`v1${mask(FIRST)}`);
    expect(await versions.nth(1).textContent()).toContain("Ada Lovelace");

    await versions.nth(1).getByRole("button", { name: "Roll back" }).click();
    const confirm = dialog.getByRole("group", { name: "Roll back to version 1" });
    await confirm.waitFor();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await card().getByTestId("masked-value").textContent()).toBe(mask(SECOND));

    await versions.nth(1).getByRole("button", { name: "Roll back" }).click();
    await dialog.getByRole("group", { name: "Roll back to version 1" }).getByRole("button", { name: "Roll back" }).click();
    await expect.poll(() => versions.count()).toBe(3);
    expect(await versions.nth(0).textContent()).toContain(`v3${mask(FIRST)}Current`);
    await expect.poll(() => card().getByTestId("masked-value").textContent()).toBe(mask(FIRST));
    const revealed = await page.request.get(`/api/api-keys/${await card().getAttribute("data-key-id")}?includeValue=true`);
    expect((await revealed.json()).value).toBe(FIRST);
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  step("6. the dialogs at 1280 and 375 px", async () => {
    for (const width of WIDTHS) {
      await page.setViewportSize(viewportFor(width));
      await card().getByRole("button", { name: "Rotate" }).click();
      await rotateDialog().waitFor();
      await screenshot(page, "rotate-dialog", width, { fullPage: false });
      await rotateDialog().getByRole("button", { name: "Close" }).click();
      await card().getByRole("button", { name: "History" }).click();
      await historyDialog().getByTestId("version").first().waitFor();
      await historyDialog().getByRole("button", { name: "Roll back" }).first().click();
      await screenshot(page, "history-dialog", width, { fullPage: false });
      await historyDialog().getByRole("button", { name: "Close" }).click();
      await historyDialog().waitFor({ state: "detached" });
      await screenshot(page, "keys-rotation-due", width);
    }
  });
});
