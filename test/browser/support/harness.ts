/**
 * Browser-test harness: an in-process Keyhaven server (SQLite in a temp dir, base URLs pointed
 * at the fake provider, the built SPA from dist/web) on 127.0.0.1, and Debian's Chromium driven
 * by playwright-core. Never downloads a browser.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { it, type TestContext } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createApp } from "../../../src/http/app.js";
import { listen, type RunningServer } from "../../../src/http/server.js";
import { createApiKeyProvider, type ApiKeyProvider } from "../../../src/provider/api-key-provider.js";
import { composeServer, type Runtime } from "../../../src/app/compose.js";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../../support/fake-provider.js";

export const CHROMIUM = process.env.KEYHAVEN_CHROMIUM ?? "/usr/bin/chromium";
export const WEB_DIR = "dist/web";
export const SCREENSHOT_DIR = "test-results/screenshots";
export const PASSWORD = "correct horse battery staple";
export const WIDTHS = [1280, 375] as const;

export function viewportFor(width: number) {
  return { width, height: width < 768 ? 812 : 860 };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Harness {
  /** `http://127.0.0.1:<port>`: the public URL and the listen address. */
  base: string;
  rt: Runtime;
  fake: FakeProvider;
  browser: Browser;
  provider: ApiKeyProvider;
  /** Where the server's SQLite file lives and its master key: what an application's `createKeyhaven` is given. */
  storage: { dataDir: string; masterKey: string };
  /** A fresh context (own cookies) at this width, clipboard granted for the server's origin. */
  newPage(width?: number): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** `env`: more server settings, over the fake provider's base URLs (e.g. the gateway's fake LLM). */
export async function startHarness(opts: { env?: Record<string, string> } = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(WEB_DIR, "index.html"))) {
    throw new Error(`${WEB_DIR}/index.html is missing: run \`npx vite build\` before the browser suite`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);

  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    // Reverse order: browser, then server (which closes the runtime), then fake, then files.
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  try {
    const fake = await startFakeProvider();
    cleanups.push(() => fake.close());
    const db: TestDatabase = createTestDatabase("sqlite");
    cleanups.push(() => db.drop());

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = { KEYHAVEN_PUBLIC_URL: base };
    for (const [service, url] of Object.entries(fakeBaseUrlOverrides(fake.url))) env[`KEYHAVEN_${service.toUpperCase()}_BASE_URL`] = url;
    Object.assign(env, opts.env);
    const rt = await db.runtime(env);
    const server: RunningServer = await listen(createApp(rt, await composeServer(rt), { webDir: WEB_DIR }), rt, port, "127.0.0.1");
    cleanups.push(() => server.stop());

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
    cleanups.push(() => browser.close());

    const provider = createApiKeyProvider({ keys: rt.keys, usage: rt.usage, config: rt.config });
    return {
      base,
      rt,
      fake,
      browser,
      provider,
      storage: { dataDir: db.dataDir, masterKey: db.masterKey },
      async newPage(width = 1280) {
        const context = await browser.newContext({ viewport: viewportFor(width), baseURL: base });
        await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
        context.setDefaultTimeout(10_000);
        const page = await context.newPage();
        page.on("pageerror", (e) => console.error(`[browser ${width}px] pageerror: ${e.message}`));
        return { context, page };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

let emailCounter = 0;
export function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${++emailCounter}@example.com`;
}

/** Signs up through the UI, starting from wherever the page is (goes to /sign-up). */
export async function signUpViaUi(page: Page, name: string, email: string): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/keys$/);
}

/** The signed-in user's id, from better-auth's session endpoint, with the page's cookies. */
export async function sessionUserId(page: Page): Promise<string> {
  const res = await page.request.get("/api/auth/get-session");
  if (!res.ok()) throw new Error(`get-session answered ${res.status()}`);
  const body = (await res.json()) as { user?: { id?: string } } | null;
  if (!body?.user?.id) throw new Error(`get-session has no user: ${JSON.stringify(body)}`);
  return body.user.id;
}

/** Fonts loaded, no transitions mid-way: then a screenshot at `<page>-<width>.png`. */
export async function screenshot(page: Page, name: string, width: number, opts: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.mouse.move(0, 0); // no stray hover state from the last click
  // Sticky bars are drawn where the scroll position puts them: a full-page shot starts at the top.
  if (opts.fullPage ?? true) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: opts.fullPage ?? true, animations: "disabled" });
}

/** The focused element draws a visible focus indicator (outline or box-shadow). */
export async function focusIndicator(page: Page): Promise<{ tag: string; label: string; outline: string; boxShadow: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", label: "", outline: "none", boxShadow: "none", visible: false };
    const s = getComputedStyle(el);
    const outlineVisible = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    const shadowVisible = s.boxShadow !== "none" && s.boxShadow !== "";
    return {
      tag: el.tagName.toLowerCase(),
      label: el.getAttribute("aria-label") ?? el.id ?? (el.textContent ?? "").trim().slice(0, 40),
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      boxShadow: s.boxShadow,
      visible: outlineVisible || shadowVisible,
    };
  });
}

/**
 * Ordered steps of one flow: each is its own `it`, so a failure names its step; once one fails
 * the later ones are skipped (they would only fail for the same reason).
 */
export function flowSteps(currentPage?: () => Page | undefined) {
  let failed: string | undefined;
  return (name: string, fn: (ctx: TestContext) => Promise<void>, timeout?: number) =>
    it(
      name,
      async (ctx) => {
        if (failed) ctx.skip(`an earlier step failed: ${failed}`);
        try {
          await fn(ctx);
        } catch (err) {
          failed = name;
          const page = currentPage?.();
          if (page) await failureScreenshot(page, name);
          throw err;
        }
      },
      timeout,
    );
}

/** What the page looked like when a test failed: test-results/screenshots/failed-<test>.png. */
export async function failureScreenshot(page: Page, testName: string): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `failed-${testName.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").slice(0, 80)}.png`);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => {});
  console.error(`[browser] failed at ${page.url()}; screenshot: ${file}`);
}

/** yyyy-mm-dd in the local time zone (what an <input type=date> takes), `days` from now. */
export function dateInputDaysFromNow(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
