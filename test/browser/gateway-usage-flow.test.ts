/**
 * The gateway's usage and limits in Chromium at 1280 px, against the real server and a fake
 * LLM: an app sends chat completions through `/gateway/openai/v1` with an access token (one for
 * a model without a price, one whose answer carries no usage) → the Usage page shows requests,
 * tokens and cost, flags the unpriced and estimated requests, and breaks them down per key,
 * model and token → a budget set in a key's Limits dialog is saved and drawn as a bar, which
 * turns to a warning with an alert once requests spend 80% of it → an access token's and a team
 * member's limits are set and removed through the same dialog. Each step is its own test.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { fakeKey } from "../support/fake-provider.js";
import { FAKE_USAGE, type FakeLlm } from "../support/fake-llm-upstream.js";
import { formatUsd, usageTotals } from "../../web/src/lib/gateway-usage.js";
import type { LimitOverview, UsageReport } from "../../src/shared/limits.js";
import { flowSteps, sessionUserId, signUpViaUi, uniqueEmail, type Harness } from "./support/harness.js";
import { keyAndToken, sendChat, startGatewayHarness, UNPRICED_MODEL } from "./support/gateway.js";

const KEY_NAME = "Production OpenAI";
const TOKEN_NAME = "Support bot";

describe("web app: gateway usage and limits (1280 px)", () => {
  let h: Harness;
  let llm: FakeLlm;
  let close: () => Promise<void>;
  let page: Page;
  let keyId: string;
  let token: string;
  let tokenId: string;
  /** What one gpt-4o-mini request costs, as the gateway priced it. */
  let oneCost: number;
  let budget: number;
  const step = flowSteps(() => page);
  const section = (): Locator => page.getByTestId("gateway-section");
  const api = async <T>(path: string): Promise<T> => {
    const res = await page.request.get(path);
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()) as T;
  };
  const openUsage = async () => {
    await page.goto("/usage");
    await section().getByTestId("gateway-stats").waitFor();
  };

  beforeAll(async () => {
    ({ h, llm, close } = await startGatewayHarness());
    ({ page } = await h.newPage(1280));
  });
  afterAll(async () => {
    await close?.();
  });

  step("1. an app sends requests through the gateway: priced, one unpriced model, one answer without usage", async () => {
    await signUpViaUi(page, "Ada Lovelace", uniqueEmail("ada-gateway"));
    ({ keyId, token, tokenId } = await keyAndToken(page, h.base, { name: KEY_NAME, value: fakeKey("openai", "valid") }, TOKEN_NAME));
    const costs: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await sendChat(h.base, token, "gpt-4o-mini");
      expect(r.status).toBe(200);
      costs.push(r.costUsd);
    }
    const unpriced = await sendChat(h.base, token, UNPRICED_MODEL);
    expect(unpriced.status).toBe(200);
    llm.mode = "no-usage";
    expect((await sendChat(h.base, token, "gpt-4o-mini")).status).toBe(200);
    llm.mode = "normal";
    expect(llm.received.filter((r) => r.url.startsWith("/openai/v1/chat/completions"))).toHaveLength(5);
    // Every priced answer carried the same cost; the unpriced one none (or not a positive one).
    expect(costs[0]).toBeGreaterThan(0);
    expect(new Set(costs).size).toBe(1);
    oneCost = costs[0]!;
    expect(unpriced.costUsd === null || Number.isNaN(unpriced.costUsd)).toBe(true);
  });

  step("2. the Usage page: the gateway's totals, apart from hand-outs, the unpriced and estimated requests flagged", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(/\/usage$/);
    await section().getByTestId("gateway-stats").waitFor();
    await page.getByRole("heading", { name: "Through the gateway", level: 2 }).waitFor();
    await page.getByRole("heading", { name: "Hand-outs (library, /api/resolve)", level: 2 }).waitFor();
    // Each section's panels sit under its title.
    await section().getByRole("heading", { name: "Requests per day", level: 3 }).waitFor();
    await page.getByTestId("handouts-section").getByRole("heading", { name: "Uses per day", level: 3 }).waitFor();

    const report = await api<UsageReport>("/api/usage?groupBy=day");
    const totals = usageTotals(report.rows);
    expect(totals.requests).toBe(5);
    expect(totals.unpricedRequests).toBe(1);
    expect(totals.estimatedRequests).toBe(1);
    // Four answers reported their usage; the fifth's tokens are an estimate on top.
    expect(totals.inputTokens).toBeGreaterThanOrEqual(4 * FAKE_USAGE.input);
    expect(totals.costUsd).toBeGreaterThan(0);

    const stat = (label: string) => section().getByTestId("gateway-stats").locator(".stat-card").filter({ has: page.getByText(label, { exact: true }) }).locator("dd");
    expect(await stat("Requests, 30 days").textContent()).toBe("5");
    expect(await stat("Input tokens").textContent()).toBe(totals.inputTokens.toLocaleString());
    expect(await stat("Output tokens").textContent()).toBe(totals.outputTokens.toLocaleString());
    // The cost of the priced requests, never $0, and said to leave the unpriced one out.
    expect(await stat("Cost (priced requests)").textContent()).toBe(formatUsd(totals.costUsd!));
    expect(await section().getByTestId("unpriced-note").textContent()).toContain("1 request with no price — cost unknown");
    expect(await section().getByTestId("estimated-note").textContent()).toContain("1 request with estimated tokens");

    // The chart's hidden table has today's five requests.
    const today = await section().getByTestId("gateway-chart").locator("..").locator(".sr-only tbody tr").last().locator("td").nth(1).textContent();
    expect(today).toBe("5");
  });

  step("3. per key, per model (the unpriced model's cost Unknown, flagged) and per token", async () => {
    const byKey = section().getByTestId("gateway-by-key");
    const keyRow = byKey.getByRole("row", { name: new RegExp(KEY_NAME) });
    await keyRow.waitFor();
    expect(await keyRow.locator("td").first().textContent()).toBe("5");
    expect(await keyRow.getByTestId("unpriced-flag").textContent()).toBe("1 unpriced");
    expect(await keyRow.getByTestId("estimated-flag").textContent()).toBe("1 estimated");
    expect(await keyRow.locator("td").last().textContent()).toContain("+ unknown");

    await section().getByRole("group", { name: "Break down by" }).getByRole("button", { name: "Model" }).click();
    const byModel = section().getByTestId("gateway-by-model");
    await byModel.waitFor();
    const unpricedRow = byModel.getByRole("row", { name: new RegExp(UNPRICED_MODEL) });
    expect(await unpricedRow.locator("td").first().textContent()).toBe("1");
    expect(await unpricedRow.locator("td").last().textContent()).toBe("Unknown");
    await unpricedRow.getByTestId("unpriced-flag").waitFor();
    const pricedRow = byModel.getByRole("row", { name: /gpt-4o-mini/ });
    expect(await pricedRow.locator("td").first().textContent()).toBe("4");
    expect(await pricedRow.locator("td").last().textContent()).toMatch(/^\$[0-9.]+$/);

    await section().getByRole("group", { name: "Break down by" }).getByRole("button", { name: "Access token" }).click();
    const tokenRow = section().getByTestId("gateway-by-token").getByRole("row", { name: new RegExp(TOKEN_NAME) });
    await tokenRow.waitFor();
    expect(await tokenRow.locator("td").first().textContent()).toBe("5");
  });

  step("4. the range picker asks for the last 7 days", async () => {
    const asked = page.waitForRequest((r) => r.url().includes("/api/usage?") && r.url().includes("groupBy=day") && /from=/.test(r.url()));
    await section().getByLabel("Period").selectOption("7");
    const url = new URL((await asked).url());
    const span = Date.parse(url.searchParams.get("to")!) - Date.parse(url.searchParams.get("from")!);
    expect(Math.round(span / 86_400_000)).toBe(7);
    await expect.poll(() => section().getByTestId("gateway-stats").locator("dt").first().textContent()).toBe("Requests, 7 days");
    expect(await section().getByTestId("gateway-stats").locator("dd").first().textContent()).toBe("5");
  });

  step("5. a key's Limits dialog: a wrong amount is refused in the form, a budget and a rate limit are saved", async () => {
    await page.goto("/keys");
    const card = page.getByRole("article", { name: KEY_NAME });
    await card.getByRole("button", { name: "Limits" }).click();
    const dialog = page.getByRole("dialog", { name: `Limits for “${KEY_NAME}”` });
    await dialog.waitFor();
    const puts: string[] = [];
    page.on("request", (r) => r.method() === "PUT" && puts.push(r.url()));

    await dialog.getByLabel(/Amount \(USD\)/).fill("-5");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await dialog.getByText(/must be an amount in USD above 0/i).waitFor();
    expect(await dialog.getByLabel(/Amount \(USD\)/).getAttribute("aria-invalid")).toBe("true");
    expect(puts).toEqual([]);

    // Twenty requests' worth: enough to cross 80% below (step 7) before a request no longer fits.
    budget = Number((oneCost * 20).toPrecision(2));
    await dialog.getByLabel(/Amount \(USD\)/).fill(String(budget));
    await dialog.getByLabel("Resets").selectOption("week");
    await dialog.getByLabel(/Requests per minute/).fill("600");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText(`Saved the limits of ${KEY_NAME}`).waitFor();
    expect(puts).toEqual([`${h.base}/api/api-keys/${keyId}`]);

    const saved = await api<{ limits: unknown }>(`/api/api-keys/${keyId}`);
    expect(saved.limits).toEqual({ budget: { usd: budget, period: "week" }, requestsPerMinute: 600, tokensPerMinute: null });

    // Opened again, it shows what is set, and offers to remove it.
    await card.getByRole("button", { name: "Limits" }).click();
    await dialog.waitFor();
    expect(await dialog.getByLabel(/Amount \(USD\)/).inputValue()).toBe(String(budget));
    expect(await dialog.getByLabel("Resets").inputValue()).toBe("week");
    expect(await dialog.getByLabel(/Requests per minute/).inputValue()).toBe("600");
    await dialog.getByRole("button", { name: "Remove limits" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  step("6. the budget is drawn as a bar on the Usage page, with when it resets", async () => {
    await openUsage();
    const row = section().locator(`[data-testid="budget-row"][data-kind="key"][data-id="${keyId}"]`);
    await row.waitFor();
    expect(await row.locator(".budget__name").textContent()).toBe(KEY_NAME);
    expect(await row.getByTestId("budget-figures").textContent()).toBe(`${formatUsd(0)} of ${formatUsd(budget)} this week`);
    const meter = row.getByRole("meter");
    expect(await meter.getAttribute("aria-valuemax")).toBe(String(budget));
    expect(await row.textContent()).toMatch(/Resets /);
    expect(await row.textContent()).toContain("600 requests/min");
    expect(await row.getAttribute("class")).toBe("budget budget--ok");
  });

  step("7. requests spend the budget: past 80% the bar turns to a warning and an alert is listed", async () => {
    // With an output cap a request's worst case is a few times its real cost, so most of the budget gets spent.
    let sent = 0;
    for (; sent < 60; sent++) {
      const r = await sendChat(h.base, token, "gpt-4o-mini", { max_tokens: FAKE_USAGE.output });
      if (r.status !== 200) {
        expect(r.status).toBe(429);
        break;
      }
    }
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(60);
    const overview = await api<LimitOverview>("/api/limits");
    const status = overview.limits.find((l) => l.kind === "key" && l.id === keyId)!;
    expect(status.budget!.spentUsd).toBeGreaterThanOrEqual(0.8 * budget);

    await openUsage();
    const row = section().locator(`[data-testid="budget-row"][data-kind="key"][data-id="${keyId}"]`);
    await row.waitFor();
    expect(await row.getAttribute("class")).toMatch(/budget--(warning|over)/);
    expect(await row.getByTestId("budget-figures").textContent()).toBe(`${formatUsd(status.budget!.spentUsd)} of ${formatUsd(budget)} this week`);
    expect(Number(await row.getByRole("meter").getAttribute("aria-valuenow"))).toBeCloseTo(Math.min(status.budget!.spentUsd, budget), 10);
    const alerts = section().getByTestId("budget-alerts");
    await alerts.waitFor();
    const eighty = alerts.getByRole("status").filter({ hasText: "80%" });
    expect(await eighty.count()).toBe(1);
    expect(await eighty.textContent()).toContain(KEY_NAME);
  });

  step("8. an access token's Limits: tokens per minute set, then removed, through the same dialog", async () => {
    await page.goto("/settings/tokens");
    const row = page.getByRole("article", { name: TOKEN_NAME });
    await row.getByRole("button", { name: "Limits" }).click();
    const dialog = page.getByRole("dialog", { name: `Limits for “${TOKEN_NAME}”` });
    await dialog.getByLabel(/Tokens per minute/).fill("100000");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText(`Saved the limits of ${TOKEN_NAME}`).waitFor();
    let overview = await api<LimitOverview>("/api/limits");
    expect(overview.limits.find((l) => l.kind === "token" && l.id === tokenId)?.limits).toEqual({ budget: null, requestsPerMinute: null, tokensPerMinute: 100000 });

    await row.getByRole("button", { name: "Limits" }).click();
    await dialog.waitFor();
    expect(await dialog.getByLabel(/Tokens per minute/).inputValue()).toBe("100000");
    await dialog.getByRole("button", { name: "Remove limits" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText(`Removed the limits of ${TOKEN_NAME}`).waitFor();
    overview = await api<LimitOverview>("/api/limits");
    expect(overview.limits.find((l) => l.kind === "token" && l.id === tokenId)).toBeUndefined();
  });

  step("9. a team owner sets a member's budget from the Members page", async () => {
    const res = await page.request.post("/api/auth/organization/create", { data: { name: "Platform", slug: `platform-${Date.now()}` }, headers: { origin: h.base } });
    expect(res.status(), await res.text()).toBe(200);
    const team = (await res.json()) as { id: string };
    const me = await sessionUserId(page);
    await page.goto(`/teams/${team.id}/members`);
    const row = page.getByTestId("member-row").first();
    await row.getByRole("button", { name: /^Limits for / }).click();
    const dialog = page.getByRole("dialog", { name: "Limits for “Ada Lovelace”" });
    await dialog.getByLabel(/Amount \(USD\)/).fill("25");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await dialog.waitFor({ state: "detached" });
    const overview = await api<LimitOverview>("/api/limits");
    const member = overview.limits.find((l) => l.kind === "member" && l.id === me && l.teamId === team.id);
    expect(member?.limits.budget).toEqual({ usd: 25, period: "month" });
    expect(member?.budget).toMatchObject({ usd: 25, spentUsd: 0 });
  });
});
