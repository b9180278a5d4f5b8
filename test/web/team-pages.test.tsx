// @vitest-environment happy-dom
/**
 * The team pages against a fake of the team routes: what each role is offered on a team's keys,
 * adding a team key with its sharing, members and invitations, usage, an invitation link, the
 * team switcher and the preferred team. The web app's own routes go through the global fetch
 * (api-call.ts), so it is the fake too.
 */
import "./testing-library-timeout.js";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import type { TeamRole } from "../../src/shared/team-roles";
import { App } from "../../web/src/app";
import { createFakeTeamsApi, ME, team, teamKey, type FakeTeamsState } from "./fake-teams-api";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

beforeEach(() => {
  Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
  Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => {}) }, configurable: true });
});

function renderAt(path: string, state: Partial<FakeTeamsState> = {}) {
  window.history.replaceState(null, "", path);
  const api = createFakeTeamsApi(state);
  vi.stubGlobal("fetch", api.fetch);
  render(
    <KeyhavenProvider client={createKeyhavenClient({ fetch: api.fetch })} queryClient={createKeyhavenQueryClient()}>
      <App />
    </KeyhavenProvider>,
  );
  return api;
}

const acme = (role: TeamRole) => team({ id: "t1", name: "Acme", role });
const keysOf = { t1: [teamKey({ id: "k1", name: "Shared OpenAI", teamId: "t1", sharing: "use" }), teamKey({ id: "k2", name: "Managed Claude", teamId: "t1", sharing: "manage", service: "anthropic" })] };
const card = (name: string) => screen.getByRole("article", { name });

describe("team keys page", () => {
  it("a member sees the keys, their badges and use, but no Reveal, Edit, Delete or Add team key", async () => {
    renderAt("/teams/t1/keys", { teams: [acme("member")], teamKeys: keysOf });
    await screen.findByRole("article", { name: "Shared OpenAI" });
    expect(screen.getByText("Team · Acme")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Add team key" })).toBeNull();

    const useOnly = within(card("Shared OpenAI"));
    expect(useOnly.getByTestId("team-badge").textContent).toBe("Team · use only");
    expect(useOnly.getByText("You can use this key; only admins can see it")).toBeTruthy();
    for (const name of ["Reveal", "Edit", "Delete", "Rotate", "Test", "History"]) expect(useOnly.queryByRole("button", { name })).toBeNull();
    expect(useOnly.queryByRole("switch")).toBeNull();
    expect(useOnly.getByTestId("usage-count").textContent).toBe("3");

    // Managed: members may also test it and see its history; still no Reveal.
    const managed = within(card("Managed Claude"));
    expect(managed.getByTestId("team-badge").textContent).toBe("Team · managed");
    expect(managed.getByRole("button", { name: "Test" })).toBeTruthy();
    expect(managed.getByRole("button", { name: "History" })).toBeTruthy();
    expect(managed.queryByRole("button", { name: "Reveal" })).toBeNull();
  });

  it("an admin gets Reveal, Edit and Delete, and adds a team key with its sharing", async () => {
    const api = renderAt("/teams/t1/keys", { teams: [acme("admin")], teamKeys: keysOf });
    await screen.findByRole("article", { name: "Shared OpenAI" });
    for (const name of ["Reveal", "Edit", "Delete", "Rotate", "Test", "History"]) expect(within(card("Shared OpenAI")).getByRole("button", { name })).toBeTruthy();
    expect(within(card("Shared OpenAI")).queryByTestId("key-access-note")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Add team key" }));
    const dialog = await screen.findByRole("dialog", { name: "Add a team key" });
    const sharing = within(dialog).getByLabelText<HTMLSelectElement>("Sharing");
    expect(sharing.value).toBe("use");
    expect([...sharing.options].map((o) => o.textContent)).toEqual([
      "Use only — members' apps use it, nobody but admins sees it",
      "Managed — members can also test it and see its history",
    ]);
    fireEvent.change(sharing, { target: { value: "manage" } });
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Team Groq" } });
    fireEvent.change(within(dialog).getByLabelText("API Key"), { target: { value: `sk-proj-${"a".repeat(40)}` } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));

    await screen.findByRole("article", { name: "Team Groq" });
    const post = api.requests.find((r) => r.call === "POST /api/api-keys");
    expect(post?.body).toMatchObject({ name: "Team Groq", teamId: "t1", sharing: "manage" });
    expect(within(card("Team Groq")).getByTestId("team-badge").textContent).toBe("Team · managed");
  });

  it("a team one is not in says so, with a way back", async () => {
    renderAt("/teams/nope/keys", { teams: [acme("owner")] });
    await screen.findByText("You're not in this team");
    expect(screen.getByRole("link", { name: "See your teams" }).getAttribute("href")).toBe("/settings/teams");
  });

  it("an empty team tells admins to add a key", async () => {
    renderAt("/teams/t1/keys", { teams: [acme("owner")] });
    await screen.findByText("No team keys yet");
  });
});

describe("team switcher", () => {
  it("lists Personal and each team; choosing one opens its keys, with links to its pages", async () => {
    renderAt("/keys", { teams: [acme("member"), team({ id: "t2", name: "Beta", role: "owner" })] });
    const nav = await screen.findByRole("navigation", { name: "Teams" });
    const select = within(nav).getByLabelText<HTMLSelectElement>("Team");
    await waitFor(() => expect([...select.options].map((o) => o.textContent)).toEqual(["Personal", "Acme", "Beta"]));
    expect(select.value).toBe("");
    expect(within(nav).queryByRole("link", { name: "Members" })).toBeNull();

    fireEvent.change(select, { target: { value: "t2" } });
    await waitFor(() => expect(window.location.pathname).toBe("/teams/t2/keys"));
    expect(select.value).toBe("t2");
    expect(within(nav).getByRole("link", { name: "Members" }).getAttribute("href")).toBe("/teams/t2/members");
    expect(within(nav).getByRole("link", { name: "Keys" }).getAttribute("aria-current")).toBe("page");

    fireEvent.change(select, { target: { value: "" } });
    await waitFor(() => expect(window.location.pathname).toBe("/keys"));
  });

  it("New team makes a team from its name, with a derived slug, and opens it", async () => {
    const api = renderAt("/keys", { teams: [] });
    fireEvent.click(await screen.findByRole("button", { name: "New team" }));
    const dialog = await screen.findByRole("dialog", { name: "New team" });
    fireEvent.change(within(dialog).getByLabelText("Team name"), { target: { value: "Platform Crew" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create team" }));
    await waitFor(() => expect(window.location.pathname).toMatch(/^\/teams\/team_\d+\/keys$/));
    const create = api.requests.find((r) => r.call === "POST /api/auth/organization/create");
    expect(create?.body).toMatchObject({ name: "Platform Crew", slug: expect.stringMatching(/^platform-crew-[a-z0-9]{4}$/) });
  });
});

const fullAcme = {
  id: "t1",
  name: "Acme",
  slug: "acme",
  createdAt: "2026-11-01T10:00:00.000Z",
  members: [
    { id: "m1", userId: ME.id, role: "owner", createdAt: "2026-11-01T10:00:00.000Z", user: ME },
    { id: "m2", userId: "u2", role: "member", createdAt: "2026-11-02T10:00:00.000Z", user: { id: "u2", name: "Bob", email: "bob@example.com" } },
  ],
  invitations: [
    { id: "inv_old", email: "carol@example.com", role: "member", status: "pending", expiresAt: "2099-01-01T00:00:00.000Z" },
    { id: "inv_used", email: "dan@example.com", role: "member", status: "accepted", expiresAt: "2099-01-01T00:00:00.000Z" },
  ],
};

describe("members page", () => {
  it("an owner changes roles, sees pending invitations, and invites someone, getting the link", async () => {
    const api = renderAt("/teams/t1/members", { teams: [acme("owner")], full: { t1: structuredClone(fullAcme) } });
    const bob = await screen.findByRole("row", { name: /bob@example\.com/ });
    const role = within(bob).getByLabelText<HTMLSelectElement>("Role for bob@example.com");
    expect([...role.options].map((o) => o.value)).toEqual(["member", "owner", "admin"]);
    fireEvent.change(role, { target: { value: "owner" } });
    fireEvent.change(role, { target: { value: "admin" } });
    // Choosing is not saving: one request, on Save, for the last choice.
    expect(api.requests.some((r) => r.call.includes("update-member-role"))).toBe(false);
    fireEvent.click(within(bob).getByRole("button", { name: "Save role for bob@example.com" }));
    await waitFor(() =>
      expect(api.requests.find((r) => r.call === "POST /api/auth/organization/update-member-role")?.body).toEqual({ memberId: "m2", role: "admin", organizationId: "t1" }),
    );
    expect(api.requests.filter((r) => r.call.includes("update-member-role"))).toHaveLength(1);
    // Not oneself: the owner's own row has no select and no Remove.
    const me = screen.getByRole("row", { name: /ada@example\.com/ });
    expect(within(me).queryByRole("combobox")).toBeNull();
    expect(within(bob).getByRole("button", { name: "Remove bob@example.com" })).toBeTruthy();

    const pending = screen.getAllByTestId("invitation-row");
    expect(pending.map((r) => r.getAttribute("data-email"))).toEqual(["carol@example.com"]);
    expect(within(pending[0]).getByRole("button", { name: "Copy link" })).toBeTruthy();

    // Owners see the team's settings, Delete included.
    expect(screen.getByRole("button", { name: "Delete team" })).toBeTruthy();
    expect(screen.getByLabelText("Team name")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    const dialog = await screen.findByRole("dialog", { name: "Invite to Acme" });
    const inviteRole = within(dialog).getByLabelText<HTMLSelectElement>("Role");
    expect([...inviteRole.options].map((o) => o.value)).toEqual(["admin", "member"]);
    expect(inviteRole.value).toBe("member");
    fireEvent.change(within(dialog).getByLabelText("Email"), { target: { value: "erin@example.com" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create invitation" }));
    const link = await within(dialog).findByTestId("invitation-link");
    expect(link.textContent).toMatch(/^http:\/\/[^/]+\/invite\/inv_\d+$/);
    expect(within(dialog).getByText(/Send this link to/).textContent).toContain("erin@example.com; it works once, for that email, until");
    expect(within(dialog).getByRole("button", { name: "Copy link" })).toBeTruthy();
    expect(api.requests.find((r) => r.call === "POST /api/auth/organization/invite-member")?.body).toEqual({
      email: "erin@example.com",
      role: "member",
      organizationId: "t1",
    });
  });

  it("a member sees who is in the team and can leave, nothing more", async () => {
    const full = structuredClone(fullAcme);
    full.members[0].role = "member";
    renderAt("/teams/t1/members", { teams: [acme("member")], full: { t1: full } });
    await screen.findByRole("row", { name: /bob@example\.com/ });
    expect(screen.queryByRole("combobox", { name: /Role for/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /^Remove/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Invite" })).toBeNull();
    expect(screen.queryByTestId("invitation-row")).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete team" })).toBeNull();
    expect(screen.getByRole("button", { name: "Leave team" })).toBeTruthy();
  });

  it("Leave asks first, then leaves and goes back to one's own keys", async () => {
    const api = renderAt("/teams/t1/members", { teams: [acme("admin")], full: { t1: structuredClone(fullAcme) } });
    fireEvent.click(await screen.findByRole("button", { name: "Leave team" }));
    const confirm = await screen.findByRole("alertdialog", { name: "Leave Acme?" });
    fireEvent.click(within(confirm).getByRole("button", { name: "Leave team" }));
    await waitFor(() => expect(window.location.pathname).toBe("/keys"));
    expect(api.requests.find((r) => r.call === "POST /api/auth/organization/leave")?.body).toEqual({ organizationId: "t1" });
  });
});

describe("team usage page", () => {
  const rows = [
    { date: "2026-11-20", keyId: "k1", keyName: "Shared OpenAI", service: "openai" as const, userId: "u2", userName: "Bob", userEmail: "bob@example.com", count: 5 },
    { date: "2026-11-21", keyId: "k1", keyName: "Shared OpenAI", service: "openai" as const, userId: "u2", userName: "Bob", userEmail: "bob@example.com", count: 2 },
  ];

  it("admins see everyone's use, per member and key, and per day", async () => {
    renderAt("/teams/t1/usage", { teams: [acme("admin")], usage: { t1: { teamId: "t1", scope: "all", days: 30, rows } } });
    await screen.findByRole("heading", { name: "Everyone's use" });
    const table = screen.getByTestId("team-usage-table");
    expect(within(table).getByRole("row", { name: /Bob.*Shared OpenAI.*7/ })).toBeTruthy();
    expect(within(screen.getByTestId("team-usage-days")).getAllByRole("row")).toHaveLength(3);
  });

  it("members see their own", async () => {
    renderAt("/teams/t1/usage", { teams: [acme("member")], usage: { t1: { teamId: "t1", scope: "own", days: 30, rows } } });
    await screen.findByRole("heading", { name: "Your use" });
    expect(within(screen.getByTestId("team-usage-table")).queryByRole("columnheader", { name: "Member" })).toBeNull();
  });

  it("no use yet: an empty state", async () => {
    renderAt("/teams/t1/usage", { teams: [acme("member")], usage: { t1: { teamId: "t1", scope: "own", days: 30, rows: [] } } });
    await screen.findByText("You haven't used the team's keys yet");
  });

  const today = new Date().toISOString().slice(0, 10);
  const gatewayRow = { date: today, keyId: "k1", keyName: "Shared OpenAI", service: "openai", requests: 3, inputTokens: 30, outputTokens: 60, cachedTokens: 0, costUsd: 0.01, unpricedRequests: 0, estimatedRequests: 0 };
  const limit = (id: string, teamId: string | null, name: string) => ({ kind: "key" as const, id, teamId, name, limits: { requestsPerMinute: 60 }, budget: null });
  const limits = {
    limits: [limit("k1", "t1", "Shared OpenAI"), limit("mine", null, "My OpenAI"), limit("k9", "t2", "Other team's key")],
    alerts: [
      { id: "a1", at: "2026-11-20T10:00:00.000Z", threshold: 80, message: "Shared OpenAI has used 80% of its budget", teamId: "t1" },
      { id: "a2", at: "2026-11-20T10:00:00.000Z", threshold: 80, message: "My OpenAI has used 80% of its budget", teamId: null },
    ],
  };

  it("the gateway section asks for the team's requests and shows only the team's limits and alerts", async () => {
    const api = renderAt("/teams/t1/usage", { teams: [acme("owner")], usage: { t1: { teamId: "t1", scope: "all", days: 30, rows } }, gatewayRows: [gatewayRow], limits });
    const gateway = within(await screen.findByTestId("gateway-section"));
    await gateway.findByTestId("gateway-by-key");
    expect(gateway.getByRole("heading", { name: "Through the gateway", level: 2 })).toBeTruthy();
    expect(within(screen.getByTestId("handouts-section")).getByRole("heading", { name: "Everyone's use", level: 3 })).toBeTruthy();
    const stats = gateway.getByTestId("gateway-stats");
    expect(within(stats).getByText("Requests, 30 days").nextSibling?.textContent).toBe("3");
    const asked = api.requests.filter((r) => r.call.startsWith("GET /api/usage?")).map((r) => new URL(r.call.slice(4), "http://x").searchParams);
    expect(asked.map((q) => q.get("groupBy")).sort()).toEqual(["day", "key"]);
    expect(asked.every((q) => q.get("teamId") === "t1")).toBe(true);

    await waitFor(() => expect(gateway.getAllByTestId("budget-row").map((r) => r.getAttribute("data-id"))).toEqual(["k1"]));
    expect(within(gateway.getByTestId("budget-alerts")).getAllByRole("status").map((a) => a.textContent)).toEqual(["Shared OpenAI has used 80% of its budget"]);
    expect(screen.queryByText(/You see your own use only/)).toBeNull();
  });

  it("each section has its own period; a member is told they see their own use only", async () => {
    const api = renderAt("/teams/t1/usage", { teams: [acme("member")], usage: { t1: { teamId: "t1", scope: "own", days: 30, rows } }, gatewayRows: [gatewayRow], limits });
    await screen.findByText(/You see your own use only; the team's owners and admins see everyone's/);
    const gateway = within(await screen.findByTestId("gateway-section"));
    await gateway.findByTestId("gateway-stats");
    expect(gateway.getByText(/Requests your apps sent to providers/)).toBeTruthy();
    const handouts = within(screen.getByTestId("handouts-section"));
    await handouts.findByRole("heading", { name: "Your use" });

    fireEvent.change(handouts.getByLabelText("Period"), { target: { value: "7" } });
    await waitFor(() => expect(api.requests.some((r) => r.call === "GET /api/teams/t1/usage?days=7")).toBe(true));
    expect(gateway.getByText("Requests, 30 days")).toBeTruthy();
    fireEvent.change(gateway.getByLabelText("Period"), { target: { value: "90" } });
    await gateway.findByText("Requests, 90 days");
  });

  it("the personal Usage page asks for one's own requests and keeps every limit", async () => {
    const api = renderAt("/usage", { teams: [acme("owner")], gatewayRows: [gatewayRow], limits });
    const gateway = within(await screen.findByTestId("gateway-section"));
    await waitFor(() => expect(gateway.getAllByTestId("budget-row")).toHaveLength(3));
    const asked = api.requests.filter((r) => r.call.startsWith("GET /api/usage?"));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.some((r) => r.call.includes("teamId="))).toBe(false);
  });
});

describe("invitation page", () => {
  const invitation = {
    id: "inv_1", email: ME.email, role: "admin", status: "pending", expiresAt: "2099-01-01T00:00:00.000Z",
    organizationId: "team_joined", organizationName: "Acme", organizationSlug: "acme", inviterEmail: "boss@example.com",
  };

  it("shows the team, the role and who invited; Accept opens the team's keys", async () => {
    const api = renderAt("/invite/inv_1", { invitations: { inv_1: invitation } });
    await screen.findByRole("heading", { name: "Join Acme" });
    expect(screen.getByText("boss@example.com")).toBeTruthy();
    expect(screen.getByTestId("invitation-role").textContent).toBe("admin");
    fireEvent.click(screen.getByRole("button", { name: "Accept invitation" }));
    await waitFor(() => expect(window.location.pathname).toBe("/teams/team_joined/keys"));
    expect(api.requests.find((r) => r.call === "POST /api/auth/organization/accept-invitation")?.body).toEqual({ invitationId: "inv_1" });
  });

  it("Decline says so, with a way back", async () => {
    renderAt("/invite/inv_1", { invitations: { inv_1: invitation } });
    fireEvent.click(await screen.findByRole("button", { name: "Decline" }));
    await screen.findByText("Invitation declined");
    expect(screen.getByRole("link", { name: "Go to your API keys" })).toBeTruthy();
  });

  it("someone else's invitation says so, and offers to sign in as them", async () => {
    renderAt("/invite/inv_2", {
      invitations: { inv_2: { status: 403, code: "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", message: "You are not the recipient of the invitation" } },
    });
    await screen.findByRole("heading", { name: "This invitation is for someone else" });
    expect(within(screen.getByTestId("invitation-problem")).getByText(ME.email)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in as someone else" })).toBeTruthy();
  });

  it("an expired or used one says it can't be used", async () => {
    renderAt("/invite/gone", {});
    await screen.findByRole("heading", { name: "This invitation can't be used" });
    expect(screen.getByRole("link", { name: "Go to your API keys" })).toBeTruthy();
  });
});

describe("Settings → Teams", () => {
  it("lists one's teams with one's role, and saves the preferred team", async () => {
    const api = renderAt("/settings/teams", { teams: [acme("member"), team({ id: "t2", name: "Beta", role: "owner" })] });
    const list = await screen.findByRole("list", { name: "Your teams" });
    expect(within(list).getAllByTestId("team-row").map((r) => r.textContent)).toEqual([expect.stringContaining("AcmeMember"), expect.stringContaining("BetaOwner")]);
    const group = screen.getByRole("group", { name: /Preferred team for hand-outs/ });
    expect(within(group).getByLabelText<HTMLInputElement>("None — the team you joined first").checked).toBe(true);
    fireEvent.click(within(group).getByLabelText("Beta"));
    await waitFor(() => expect(api.requests.find((r) => r.call === "PUT /api/teams/preferred")?.body).toEqual({ teamId: "t2" }));
    await waitFor(() => expect(within(group).getByLabelText<HTMLInputElement>("Beta").checked).toBe(true));
  });

  it("no teams yet: an empty state and New team", async () => {
    renderAt("/settings/teams", { teams: [] });
    await screen.findByText("You're not in any team yet");
    expect(screen.getAllByRole("button", { name: "New team" }).length).toBeGreaterThan(0);
  });
});
