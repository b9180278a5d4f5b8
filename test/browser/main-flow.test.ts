/**
 * The main flow of issue 6, as a person does it in Chromium at 1280 px: sign up → add an OpenAI
 * key (tested before and after saving) → a bad key is refused → toggle → edit → uses made through
 * apiKeyProvider show on the Usage page → reveal, copy, hide → a second user sees none of it →
 * delete with confirmation. Each step is its own test; after a failure the rest are skipped.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { fakeKey } from "../support/fake-provider.js";
import { dateInputDaysFromNow, flowSteps, sessionUserId, signUpViaUi, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

const KEY_NAME = "My OpenAI Key";
const RENAMED = "Production OpenAI";
const HAND_OUTS = 7;

describe("web app: main flow (1280 px)", () => {
  let h: Harness;
  let page: Page;
  let userId: string;
  let keyId: string;
  const keyValue = fakeKey("openai", "valid");
  const card = (name = RENAMED): Locator => page.getByRole("article", { name });
  const step = flowSteps(() => page);

  beforeAll(async () => {
    h = await startHarness();
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. signs up and lands on an empty API Keys page", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada"));
    await expect.poll(() => page.getByText("No API keys yet").isVisible()).toBe(true);
    await expect(page.getByTestId("signed-in-user").textContent()).resolves.toContain("Ada Lovelace");
    userId = await sessionUserId(page);
  });

  step("2. adds an OpenAI key, testing it before saving (valid)", async () => {
    await page.getByRole("button", { name: "Add API Key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(KEY_NAME);
    await dialog.getByLabel("Service").selectOption("openai");
    await dialog.getByLabel("API Key").fill(keyValue);
    await expect.poll(() => dialog.getByTestId("format-feedback").getAttribute("data-state")).toBe("ok");
    await dialog.getByRole("button", { name: "Test" }).click();
    const result = dialog.getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-status")).toBe("valid");
    expect(await result.textContent()).toContain("Valid");
    expect(h.fake.requests.some((r) => r.path === "/openai/models" && r.headers.authorization === `Bearer ${keyValue}`)).toBe(true);
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await card(KEY_NAME).waitFor();
    keyId = (await card(KEY_NAME).getAttribute("data-key-id"))!;
    expect(keyId).toBeTruthy();
    // The masked value shows; the secret itself is nowhere on the page.
    expect(await card(KEY_NAME).getByTestId("masked-value").textContent()).not.toContain(keyValue);
    expect(await page.content()).not.toContain(keyValue);
    expect(await card(KEY_NAME).getByTestId("status-badge").getAttribute("data-status")).toBe("active");
  });

  step("3. tests the saved key: outcome valid and 'Last test' says Valid", async () => {
    const c = card(KEY_NAME);
    expect(await c.getByTestId("last-test").textContent()).toContain("Not tested");
    await c.getByRole("button", { name: "Test" }).click();
    await c.getByTestId("test-result").waitFor();
    expect(await c.getByTestId("test-result").getAttribute("data-status")).toBe("valid");
    await expect.poll(() => c.getByTestId("last-test").textContent()).toContain("Valid");
  });

  step("4. a key with a bad format is refused with 'Invalid API key format'", async () => {
    await page.getByRole("button", { name: "Add API Key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Bad key");
    await dialog.getByLabel("Service").selectOption("openai");
    await dialog.getByLabel("API Key").fill("not-a-real-key");
    // As-you-type feedback first, then the server's answer on Save.
    await expect.poll(() => dialog.getByTestId("format-feedback").getAttribute("data-state")).toBe("error");
    expect(await dialog.getByTestId("format-feedback").textContent()).toContain("sk-");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByTestId("form-error").waitFor();
    expect(await dialog.getByTestId("form-error").textContent()).toContain("Invalid API key format");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.getByRole("article").count()).toBe(1);
  });

  step("5. switching 'Active' off shows the Inactive badge", async () => {
    const c = card(KEY_NAME);
    const sw = c.getByRole("switch", { name: "Active" });
    expect(await sw.getAttribute("aria-checked")).toBe("true");
    await sw.click();
    await expect.poll(() => c.getByTestId("status-badge").getAttribute("data-status")).toBe("inactive");
    expect(await c.getByTestId("status-badge").textContent()).toBe("Inactive");
    expect(await sw.getAttribute("aria-checked")).toBe("false");
    const api = (await (await page.request.get(`/api/api-keys/${keyId}`)).json()) as { isActive: boolean };
    expect(api.isActive).toBe(false);
  });

  step("6. edits name and expiry (3 days out); switched back on it is 'Expiring soon'", async () => {
    await card(KEY_NAME).getByRole("button", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(RENAMED);
    await dialog.getByLabel("Expiration").fill(dateInputDaysFromNow(3));
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await card(RENAMED).waitFor();
    await card(KEY_NAME).waitFor({ state: "detached" });
    // Inactive wins over expiring soon; switched on again, the expiry shows.
    expect(await card().getByTestId("status-badge").getAttribute("data-status")).toBe("inactive");
    await card().getByRole("switch", { name: "Active" }).click();
    await expect.poll(() => card().getByTestId("status-badge").textContent()).toBe("Expiring soon");
  });

  step(`7. ${HAND_OUTS} hand-outs through apiKeyProvider show on the Usage page`, async () => {
    for (let i = 0; i < HAND_OUTS; i++) expect(await h.provider.getOpenAIApiKey(userId)).toBe(keyValue);
    await h.rt.usage.flush();
    await page.getByRole("navigation").getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(/\/usage$/);
    await page.getByTestId("usage-chart").waitFor();
    const stat = (label: string) =>
      page.getByTestId("stat-grid").locator("div", { has: page.getByText(label, { exact: true }) }).locator("dd").textContent();
    expect(await stat("Uses, 30 days")).toBe(String(HAND_OUTS));
    expect(await stat("All-time uses")).toBe(String(HAND_OUTS));
    expect(await stat("Expiring soon")).toBe("1");
    expect(await page.locator("#usage-chart-title + .panel__meta").textContent()).toContain(`${HAND_OUTS} total`);
    // Today is the last day of the 30; the chart's table (for screen readers) carries the numbers.
    const days = page.getByRole("table", { name: "Uses per day, last 30 days" }).locator("tbody tr");
    expect(await days.count()).toBe(30);
    expect(await days.last().locator("td").nth(1).textContent()).toBe(String(HAND_OUTS));
    const openaiRow = page.getByTestId("service-breakdown").getByRole("row", { name: /OpenAI/ });
    expect(await openaiRow.locator("td").last().textContent()).toBe(String(HAND_OUTS));
    expect(await page.getByText(RENAMED).count()).toBeGreaterThan(0); // in "expiring soon"
    await page.getByRole("navigation").getByRole("link", { name: "API Keys" }).click();
    // The key list is cached for 10 s (useApiKeys' staleTime): a reload fetches the new count.
    await page.reload();
    await card().waitFor();
    expect(await card().getByTestId("usage-count").textContent()).toBe(String(HAND_OUTS));
  });

  step("8. reveals the value, copies it to the clipboard, hides it again", async () => {
    const c = card();
    await c.getByRole("button", { name: "Reveal" }).click();
    const revealed = c.getByTestId("revealed-value");
    await revealed.waitFor();
    expect(await revealed.textContent()).toBe(keyValue);
    await c.getByRole("button", { name: "Copy" }).click();
    await c.getByText("Copied to clipboard").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keyValue);
    await c.getByRole("button", { name: "Hide" }).click();
    await revealed.waitFor({ state: "detached" });
    await c.getByRole("button", { name: "Reveal" }).waitFor();
    expect(await page.content()).not.toContain(keyValue);
  });

  step("9. a second user (own browser context) sees none of the first user's keys", async () => {
    const other = await h.newPage(1280);
    try {
      await signUpViaUi(other.page, "Grace Hopper", uniqueEmail("grace"));
      await expect.poll(() => other.page.getByText("No API keys yet").isVisible()).toBe(true);
      expect(await other.page.getByRole("article").count()).toBe(0);
      expect(await other.page.getByText(RENAMED).count()).toBe(0);
      const list = (await (await other.page.request.get("/api/api-keys")).json()) as { apiKeys: unknown[] };
      expect(list.apiKeys).toEqual([]);
      expect((await other.page.request.get(`/api/api-keys/${keyId}`)).status()).toBe(404);
      // Nor any of their usage.
      await other.page.getByRole("navigation").getByRole("link", { name: "Usage" }).click();
      await other.page.getByTestId("usage-chart").waitFor();
      expect(await other.page.getByTestId("stat-grid").locator("div", { has: other.page.getByText("All-time uses", { exact: true }) }).locator("dd").textContent()).toBe("0");
    } finally {
      await other.context.close();
    }
    // The first user still has the key.
    await page.reload();
    await card().waitFor();
  });

  step("10. deletes the key after confirming; it is gone", async () => {
    await card().getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(RENAMED);
    // Cancel first: nothing happens.
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    await card().waitFor();
    await card().getByRole("button", { name: "Delete" }).click();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await card().waitFor({ state: "detached" });
    await page.getByText("No API keys yet").waitFor();
    expect((await page.request.get(`/api/api-keys/${keyId}`)).status()).toBe(404);
    await page.reload();
    await page.getByText("No API keys yet").waitFor();
    expect(await page.getByRole("article").count()).toBe(0);
  });

  step("11. signs out and is back on the sign-in page", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto("/keys");
    await page.waitForURL(/\/sign-in/);
  });
});
