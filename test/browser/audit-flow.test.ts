/**
 * The Audit log page in Chromium against the real server: a key is created and revealed (then
 * revealed again and again, from a client with a very long user agent); the page, reached from
 * the navigation, reads "… revealed My OpenAI Key …"; "Load more" follows the cursor; the
 * action filter narrows the list; the CSV button downloads the filtered view, with the reveal
 * in it and nothing else; every control is reachable by Tab with a visible focus; screenshots
 * at 1280 and 375 px (test-results/screenshots, not committed) with nothing wider than the screen.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { openaiKey } from "../support/http-app.js";
import { flowSteps, focusIndicator, screenshot, signUpViaUi, startHarness, uniqueEmail, WIDTHS, viewportFor, type Harness } from "./support/harness.js";

const KEY_NAME = "My OpenAI Key";
const LONG_AGENT = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ${"SomeEmbeddedBrowser/1.0 ".repeat(10)}Chrome/131.0 Safari/537.36`;
/** More than one page of the list (50). */
const REVEALS = 55;

describe("web app: audit log", () => {
  let h: Harness;
  let page: Page;
  let keyId: string;
  const step = flowSteps(() => page);
  const events = (): Locator => page.getByRole("list", { name: "Audit events, newest first" }).getByTestId("audit-event");

  beforeAll(async () => {
    h = await startHarness();
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await h?.close();
  });

  step("1. a key is created and revealed (the reveals from a client with a very long user agent)", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada-audit"));
    const created = await page.request.post("/api/api-keys", { headers: { origin: h.base }, data: { name: KEY_NAME, service: "openai", value: openaiKey() } });
    expect(created.status()).toBe(201);
    keyId = ((await created.json()) as { id: string }).id;
    for (let i = 0; i < REVEALS; i++) {
      const res = await page.request.get(`/api/api-keys/${keyId}?includeValue=true`, { headers: { "user-agent": LONG_AGENT } });
      expect(res.status()).toBe(200);
    }
  });

  step("2. Audit log is in the navigation; the reveal reads as a sentence, newest first", async () => {
    await page.goto("/keys");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(/\/audit$/);
    expect(await page.title()).toBe("Audit log · Keyhaven");
    await events().first().waitFor();
    const first = events().first();
    expect(await first.locator(".audit-event__sentence").textContent()).toMatch(new RegExp(`^Ada Lovelace revealed ${KEY_NAME} from \\S+$`));
    expect(await first.locator("em").textContent()).toBe(KEY_NAME);
    expect(await first.locator(".audit-event__agent").getAttribute("title")).toBe(LONG_AGENT.slice(0, 300)); // as stored: the server keeps 300 characters
    expect(await events().count()).toBe(50);
  });

  step("3. Load more fetches the next page: the sign-in, the key's creation, the rest of the reveals", async () => {
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => events().count()).toBeGreaterThan(50);
    const all = await events().locator(".audit-event__sentence").allTextContents();
    expect(all.filter((s) => s.includes(" revealed "))).toHaveLength(REVEALS);
    expect(all.some((s) => s.startsWith(`Ada Lovelace added ${KEY_NAME} (openai)`))).toBe(true);
    await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
  });

  step("4. the action filter narrows the list to key.create", async () => {
    await page.getByLabel("Action").selectOption("key.create");
    await expect.poll(() => events().count()).toBe(1);
    expect(await events().first().locator(".audit-event__sentence").textContent()).toMatch(new RegExp(`^Ada Lovelace added ${KEY_NAME} \\(openai\\)`));
    await page.getByLabel("Action").selectOption("key.reveal");
    await expect.poll(() => events().count()).toBe(50);
  });

  step("5. CSV downloads the filtered view: reveals of the key, nothing else", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^keyhaven-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync((await download.path()), "utf8");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("seq,id,at,action,summary,actor_type,actor_id,actor_label,target_type,target_id,target_label,ip,user_agent,details");
    const rows = lines.slice(1);
    expect(rows).toHaveLength(REVEALS); // every matching event, not just the page loaded
    for (const row of rows) expect(row).toMatch(new RegExp(`,key\\.reveal,Ada Lovelace revealed ${KEY_NAME} from [^,]+,user,[^,]+,Ada Lovelace,key,${keyId},${KEY_NAME},`));
    const json = await page.request.get((await page.getByRole("link", { name: "JSON Lines" }).getAttribute("href"))!);
    expect(json.headers()["content-disposition"]).toMatch(/attachment; filename="keyhaven-audit-.*\.jsonl"/);
    expect((await json.text()).trimEnd().split("\n")).toHaveLength(REVEALS);
  });

  step("6. keyboard: Tab reaches the exports and every filter, each with a visible focus", async () => {
    await page.getByLabel("Action").selectOption("");
    await page.locator("h1").click(); // start from the page, not a control
    const reached: string[] = [];
    for (let i = 0; i < 12 && !reached.includes("Clear filters"); i++) {
      await page.keyboard.press("Tab");
      const f = await focusIndicator(page);
      const name = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.closest("label")?.querySelector(".field__label")?.textContent ?? el.textContent?.trim() ?? "";
      });
      expect(f.visible, `${name} has no visible focus: ${JSON.stringify(f)}`).toBe(true);
      reached.push(name);
      if (name === "To") break;
    }
    expect(reached).toEqual(expect.arrayContaining(["CSV", "JSON Lines", "Action", "Key", "By", "From", "To"]));
    // Choosing from the keyboard: focus the action select, pick with the arrow keys.
    await page.getByLabel("Action").focus();
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.getByLabel("Action").inputValue()).not.toBe("");
  });

  step("7. screenshots at 1280 and 375 px; nothing wider than the screen", async () => {
    await page.getByLabel("Action").selectOption("");
    for (const width of WIDTHS) {
      await page.setViewportSize(viewportFor(width));
      await events().first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `the page scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
      await screenshot(page, "audit", width, { fullPage: false });
    }
  });
});
