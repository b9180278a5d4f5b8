/**
 * A team's gateway usage in Chromium, against the real server and a fake LLM: an owner makes a
 * team and a team OpenAI key, a member joins and sends a chat completion through
 * `/gateway/openai/v1` with their own access token (their hand-out resolves to the team's key)
 * → the team's Usage page shows the request in its "Through the gateway" section, to the owner
 * (everyone's) and to the member (their own, and told so); the budgets there are the team's
 * only → the owner's personal Usage page does not count it (a person's own usage is the
 * requests they made), the member's does → at 375 px the sections stack without overflowing.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { fakeKey } from "../support/fake-provider.js";
import type { FakeLlm } from "../support/fake-llm-upstream.js";
import type { LimitOverview, UsageReport } from "../../src/shared/limits.js";
import { usageTotals } from "../../web/src/lib/gateway-usage.js";
import { flowSteps, signUpViaUi, uniqueEmail, type Harness } from "./support/harness.js";
import { sendChat, startGatewayHarness } from "./support/gateway.js";

const TEAM_KEY = "Team OpenAI";
const OWN_KEY = "Ada's own OpenAI";
const MEMBER_TOKEN = "Grace's support bot";

describe("web app: a team's gateway usage (owner and member)", () => {
  let h: Harness;
  let llm: FakeLlm;
  let close: () => Promise<void>;
  let owner: Page;
  let member: Page;
  let current: Page | undefined;
  let teamId: string;
  let teamKeyId: string;
  let ownKeyId: string;
  const step = flowSteps(() => current);

  const post = async <T>(page: Page, path: string, data: object, status = 200): Promise<T> => {
    const res = await page.request.post(path, { data, headers: { origin: h.base } });
    expect(res.status(), await res.text()).toBe(status);
    return (await res.json()) as T;
  };
  const put = async (page: Page, path: string, data: object) => {
    const res = await page.request.put(path, { data, headers: { origin: h.base } });
    expect(res.status(), await res.text()).toBe(200);
  };
  const get = async <T>(page: Page, path: string): Promise<T> => {
    const res = await page.request.get(path);
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()) as T;
  };
  const gateway = (page: Page): Locator => page.getByTestId("gateway-section");
  const requestsStat = (page: Page) => gateway(page).getByTestId("gateway-stats").locator(".stat-card").filter({ has: page.getByText("Requests, 30 days", { exact: true }) }).locator("dd");
  const openTeamUsage = async (page: Page) => {
    current = page;
    await page.goto(`/teams/${teamId}/usage`);
    await gateway(page).getByTestId("gateway-stats").waitFor();
  };

  beforeAll(async () => {
    ({ h, llm, close } = await startGatewayHarness());
    ({ page: owner } = await h.newPage(1280));
    ({ page: member } = await h.newPage(1280));
  });
  afterAll(async () => {
    await close?.();
  });

  step("1. an owner makes a team and its OpenAI key; a member joins and calls the gateway with their own token", async () => {
    current = owner;
    await signUpViaUi(owner, "Ada Lovelace", uniqueEmail("ada-team-gw"));
    const memberEmail = uniqueEmail("grace-team-gw");
    current = member;
    await signUpViaUi(member, "Grace Hopper", memberEmail);

    current = owner;
    teamId = (await post<{ id: string }>(owner, "/api/auth/organization/create", { name: "Platform", slug: `platform-${Date.now()}` })).id;
    teamKeyId = (await post<{ id: string }>(owner, "/api/api-keys", { teamId, name: TEAM_KEY, service: "openai", value: fakeKey("openai", "valid"), sharing: "use" }, 201)).id;
    // A personal key of the owner's with a limit: the team's page must not list it.
    ownKeyId = (await post<{ id: string }>(owner, "/api/api-keys", { name: OWN_KEY, service: "openai", value: fakeKey("openai", "valid") }, 201)).id;
    await put(owner, `/api/api-keys/${ownKeyId}`, { limits: { requestsPerMinute: 100 } });
    await put(owner, `/api/api-keys/${teamKeyId}`, { limits: { requestsPerMinute: 600 } });
    const invitation = await post<{ id: string }>(owner, "/api/auth/organization/invite-member", { email: memberEmail, role: "member", organizationId: teamId });

    current = member;
    await post(member, "/api/auth/organization/accept-invitation", { invitationId: invitation.id });
    const { token } = await post<{ token: string }>(member, "/api/tokens", { name: MEMBER_TOKEN, scopes: ["resolve"], expiresAt: null }, 201);
    const sent = await sendChat(h.base, token, "gpt-4o-mini");
    expect(sent.status).toBe(200);
    expect(llm.received.filter((r) => r.url.startsWith("/openai/v1/chat/completions"))).toHaveLength(1);
    // The member has no OpenAI key of their own: the team's served it.
    const byKey = await get<UsageReport>(member, `/api/usage?groupBy=key&teamId=${teamId}`);
    expect(byKey.rows.map((r) => [r.keyId, r.requests])).toEqual([[teamKeyId, 1]]);
    await h.rt.usage.flush();
  });

  step("2. the owner's team Usage page: the member's request through the gateway, under the team's key; the team's limits only", async () => {
    await openTeamUsage(owner);
    await owner.getByRole("heading", { name: "Through the gateway", level: 2 }).waitFor();
    await owner.getByRole("heading", { name: "Hand-outs (library, /api/resolve)", level: 2 }).waitFor();
    expect(await owner.locator(".page-header__description").textContent()).toContain("every member's apps");
    await expect.poll(() => requestsStat(owner).textContent()).toBe("1");

    const keyRow = gateway(owner).getByTestId("gateway-by-key").getByRole("row", { name: new RegExp(TEAM_KEY) });
    await keyRow.waitFor();
    expect(await keyRow.locator("td").first().textContent()).toBe("1");
    // An owner sees every member's requests, so the member's token too.
    await gateway(owner).getByRole("group", { name: "Break down by" }).getByRole("button", { name: "Access token" }).click();
    const tokenRow = gateway(owner).getByTestId("gateway-by-token").getByRole("row", { name: new RegExp(MEMBER_TOKEN) });
    expect(await tokenRow.locator("td").first().textContent()).toBe("1");

    // Budgets and limits: the team key's, not the owner's personal key's (both are in GET /api/limits).
    const overview = await get<LimitOverview>(owner, "/api/limits");
    expect(overview.limits.map((l) => l.id).sort()).toEqual([ownKeyId, teamKeyId].sort());
    const budgetRows = gateway(owner).getByTestId("budget-row");
    await budgetRows.first().waitFor();
    expect(await budgetRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual([teamKeyId]);

    // The gateway handed the team's key out for the request: a hand-out by the member.
    const handouts = owner.getByTestId("team-usage-table");
    const handout = handouts.getByRole("row", { name: /Grace Hopper/ });
    await handout.waitFor();
    expect(await handout.textContent()).toContain(TEAM_KEY);
  });

  step("3. the member's team Usage page shows their request too, and says they see their own only", async () => {
    await openTeamUsage(member);
    expect(await member.locator(".page-header__description").textContent()).toContain("You see your own use only");
    expect(await gateway(member).locator(".usage-section__description").textContent()).toContain("Requests your apps sent");
    await expect.poll(() => requestsStat(member).textContent()).toBe("1");
    const keyRow = gateway(member).getByTestId("gateway-by-key").getByRole("row", { name: new RegExp(TEAM_KEY) });
    expect(await keyRow.locator("td").first().textContent()).toBe("1");
    // Limits the member can see on the team's keys: the team key's, which they are held to.
    const budgetRows = gateway(member).getByTestId("budget-row");
    await budgetRows.first().waitFor();
    expect(await budgetRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual([teamKeyId]);
  });

  step("4. personal Usage pages count the requests one made: not the owner's, the member's", async () => {
    const ownReport = await get<UsageReport>(owner, "/api/usage?groupBy=day");
    expect(usageTotals(ownReport.rows).requests).toBe(0);
    current = owner;
    await owner.goto("/usage");
    await expect.poll(() => requestsStat(owner).textContent()).toBe("0");
    expect(await gateway(owner).getByTestId("gateway-by-key").count()).toBe(0);
    // The personal page keeps every limit the owner can see.
    await expect.poll(() => gateway(owner).getByTestId("budget-row").count()).toBe(2);

    current = member;
    await member.goto("/usage");
    await expect.poll(() => requestsStat(member).textContent()).toBe("1");
  });

  step("5. at 375 px the team Usage page stacks its sections, nothing wider than the screen", async () => {
    for (const page of [owner, member]) {
      await page.setViewportSize({ width: 375, height: 812 });
      await openTeamUsage(page);
      await gateway(page).getByTestId("gateway-by-key").waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      // The period sits under the section's title, not squeezed beside it.
      const title = await page.locator("#gateway-section-title").boundingBox();
      const picker = await gateway(page).getByLabel("Period").boundingBox();
      expect(picker!.y).toBeGreaterThan(title!.y + title!.height - 1);
    }
  });
});
