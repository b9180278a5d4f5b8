/**
 * Exporting and importing keys in Chromium at 1280 px, against the real server: Ada adds keys
 * (one of them since expired) → exports them under a passphrase (the form first refuses a short
 * one and a mistyped confirmation) and the browser downloads the file → Grace, who already has a
 * key of one of those names, imports it: a wrong passphrase is one clear error and imports
 * nothing → the preview lists what would be added, skipped (the duplicate name) and refused
 * (the expired key, with why), still writing nothing → the import adds exactly the previewed
 * keys, and a revealed value equals Ada's → Ada imports the same file into a team she owns from
 * the team's keys page: the keys become the team's, her own are untouched.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { fakeKey } from "../support/fake-provider.js";
import { tempDir } from "../support/databases.js";
import { flowSteps, signUpViaUi, startHarness, uniqueEmail, type Harness } from "./support/harness.js";

const PASSPHRASE = "purple elephants dance at noon";
const DAY = 86_400_000;

describe("web app: export and import keys (1280 px)", () => {
  let h: Harness;
  let ada: { context: BrowserContext; page: Page };
  let grace: { context: BrowserContext; page: Page } | undefined;
  let page: Page;
  let file = "";
  const openaiValue = fakeKey("openai", "valid");
  const step = flowSteps(() => page);

  /** A key through the REST API, as the signed-in person. */
  async function addKey(on: Page, body: object): Promise<{ id: string }> {
    const res = await on.request.post("/api/api-keys", { data: body, headers: { origin: h.base } });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()) as { id: string };
  }
  /** The person's keys by name, from the server (not the page). */
  async function keyNames(on: Page): Promise<string[]> {
    const res = await on.request.get("/api/api-keys");
    expect(res.status()).toBe(200);
    return ((await res.json()) as { apiKeys: { name: string }[] }).apiKeys.map((k) => k.name).sort();
  }
  const importDialog = (): Locator => page.getByRole("dialog", { name: "Import keys" });

  beforeAll(async () => {
    h = await startHarness();
    ada = await h.newPage(1280);
    page = ada.page;
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. Ada adds keys, one of which has since expired", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada-files"));
    await addKey(page, { name: "Prod OpenAI", service: "openai", value: openaiValue });
    await addKey(page, { name: "Support Claude", service: "anthropic", value: fakeKey("anthropic", "valid") });
    await addKey(page, { name: "Shared name", service: "groq", value: fakeKey("groq", "valid") });
    const old = await addKey(page, { name: "Old Groq", service: "groq", value: fakeKey("groq", "valid"), expiresAt: new Date(Date.now() + DAY).toISOString() });
    // Keys expire while they sit in Keyhaven; the API never takes a past date, so the clock moves here.
    await h.rt.database.db.updateTable("api_keys").set({ expires_at: new Date(Date.now() - DAY).toISOString() }).where("id", "=", old.id).execute();
    await page.reload();
    await expect.poll(() => page.getByRole("article").count()).toBe(4);
  });

  step("2. the export form refuses a short passphrase and a mistyped confirmation, and says why", async () => {
    await page.getByRole("button", { name: "Export my keys" }).click();
    const dialog = page.getByRole("dialog", { name: "Export my keys" });
    await dialog.getByRole("note").getByText(/cannot recover this passphrase/).waitFor();
    // The passphrase field has the focus: typing goes there.
    await page.keyboard.type("too short");
    await dialog.getByLabel("Confirm passphrase").fill("too short");
    await dialog.getByRole("button", { name: "Export and download" }).click();
    await dialog.getByText(/Use at least 12 characters: the file is only as hard to open/).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-invalid"))).toBe("true");

    await dialog.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await dialog.getByLabel("Confirm passphrase").fill(`${PASSPHRASE}!`);
    await dialog.getByRole("button", { name: "Export and download" }).click();
    await dialog.getByText("The two passphrases differ").waitFor();
  });

  step("3. exports: the browser downloads one dated file and the dialog closes", async () => {
    const dialog = page.getByRole("dialog", { name: "Export my keys" });
    await dialog.getByLabel("Confirm passphrase").fill(PASSPHRASE);
    const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export and download" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^keyhaven-my-keys-\d{4}-\d{2}-\d{2}\.khbk$/);
    file = path.join(tempDir("keyhaven-export-"), download.suggestedFilename());
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(100);
    // Encrypted: no value and no name in clear.
    expect(bytes.includes(Buffer.from(openaiValue))).toBe(false);
    expect(bytes.includes(Buffer.from("Prod OpenAI"))).toBe(false);
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(`Downloaded ${download.suggestedFilename()}`);
    // Focus went back to the button that opened the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Export my keys");
  });

  step("4. Grace, who has a key named like one of Ada's, gets one clear error for a wrong passphrase and nothing is imported", async () => {
    grace = await h.newPage(1280);
    page = grace.page;
    await signUpViaUi(page, "Grace Hopper", uniqueEmail("grace-files"));
    await addKey(page, { name: "Shared name", service: "groq", value: fakeKey("groq", "valid") });
    await page.reload();
    await expect.poll(() => page.getByRole("article").count()).toBe(1);
    // Nothing to export yet is no reason to hide the export once there is a key.
    await page.getByRole("button", { name: "Export my keys" }).waitFor();

    await page.getByRole("button", { name: "Import keys" }).click();
    const dialog = importDialog();
    await dialog.getByRole("button", { name: "Preview import" }).click();
    await dialog.getByText("Pick the file you exported").waitFor();
    await dialog.getByText("Type the passphrase the file was exported with").waitFor();

    await dialog.getByLabel("Keys file").setInputFiles(file);
    await dialog.getByLabel("Passphrase", { exact: true }).fill("not the right passphrase");
    await dialog.getByRole("button", { name: "Preview import" }).click();
    await expect.poll(() => dialog.getByTestId("form-error").textContent()).toBe("Wrong passphrase, or the file is damaged");
    expect(await dialog.getByTestId("import-preview").count()).toBe(0);
    expect(await keyNames(page)).toEqual(["Shared name"]);
  });

  step("5. the preview lists what would be added, skipped and refused, and writes nothing", async () => {
    const dialog = importDialog();
    await dialog.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await dialog.getByRole("button", { name: "Preview import" }).click();
    await dialog.getByTestId("import-preview").waitFor();
    // The step's heading takes the focus, so a screen reader starts with it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Preview: nothing is imported yet");

    const created = dialog.getByTestId("import-created");
    expect(await created.getByRole("heading").textContent()).toBe("Will be added: 2 keys");
    expect((await created.getByRole("listitem").allTextContents()).sort()).toEqual(["Prod OpenAIOpenAI", "Support ClaudeAnthropic"]);
    const skipped = dialog.getByTestId("import-skipped");
    expect(await skipped.getByRole("heading").textContent()).toContain("1 key");
    expect(await skipped.getByRole("listitem").allTextContents()).toEqual(["Shared nameGroq"]);
    const refused = dialog.getByTestId("import-refused");
    expect(await refused.getByRole("heading").textContent()).toBe("Can't be imported: 1 key");
    const refusedRow = refused.getByRole("listitem");
    expect(await refusedRow.count()).toBe(1);
    expect(await refusedRow.textContent()).toContain("Old Groq");
    expect(await refusedRow.textContent()).toContain("expiresAt must be in the future");

    expect(await keyNames(page)).toEqual(["Shared name"]);
  });

  step("6. confirming imports exactly the previewed keys; a revealed value equals Ada's", async () => {
    const dialog = importDialog();
    await dialog.getByRole("button", { name: "Import 2 keys" }).click();
    await dialog.getByTestId("import-result").waitFor();
    expect(await dialog.getByTestId("import-created").getByRole("heading").textContent()).toBe("Added: 2 keys");
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe("Imported 2 keys");

    await expect.poll(() => page.getByRole("article").count()).toBe(3);
    expect(await keyNames(page)).toEqual(["Prod OpenAI", "Shared name", "Support Claude"]);
    const card = page.getByRole("article", { name: "Prod OpenAI" });
    await card.getByRole("button", { name: "Reveal" }).click();
    expect(await card.getByTestId("revealed-value").textContent()).toBe(openaiValue);
  });

  step("7. Ada imports the file into a team she owns: the keys become the team's, hers are untouched", async () => {
    page = ada.page;
    const res = await page.request.post("/api/auth/organization/create", { data: { name: "Platform", slug: `platform-${Date.now()}` }, headers: { origin: h.base } });
    expect(res.status(), await res.text()).toBe(200);
    const team = (await res.json()) as { id: string };
    await page.goto(`/teams/${team.id}/keys`);
    await page.getByText("No team keys yet").waitFor();
    // Nothing to export yet: only the import is offered.
    expect(await page.getByRole("button", { name: "Export team keys" }).count()).toBe(0);

    await page.getByRole("button", { name: "Import keys" }).click();
    const dialog = page.getByRole("dialog", { name: "Import keys into Platform" });
    await dialog.getByLabel("Keys file").setInputFiles(file);
    await dialog.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await dialog.getByRole("button", { name: "Preview import" }).click();
    await dialog.getByTestId("import-preview").waitFor();
    expect(await dialog.getByTestId("import-created").getByRole("listitem").count()).toBe(3);
    expect(await dialog.getByTestId("import-skipped").count()).toBe(0);
    expect(await dialog.getByTestId("import-refused").getByRole("listitem").count()).toBe(1);
    await dialog.getByRole("button", { name: "Import 3 keys" }).click();
    await dialog.getByTestId("import-result").waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByTestId("key-card").count()).toBe(3);
    await page.getByRole("button", { name: "Export team keys" }).waitFor();
    expect(await keyNames(page)).toEqual(["Old Groq", "Prod OpenAI", "Shared name", "Support Claude"]);
  });
});
