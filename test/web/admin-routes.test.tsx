// @vitest-environment happy-dom
/** Admin pages are in the navigation, and open, only when the session says the user is an admin. */
import "./testing-library-timeout.js";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import { App } from "../../web/src/app";
import { ROUTES } from "../../web/src/routes";
import { createFakeApi } from "./fake-api";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const QUIET_BACKUPS = { enabled: true, dir: "/backups", everyHours: 24, keep: 7, last: null, nextDueAt: "2026-11-30T12:00:00.000Z", alert: null };

/**
 * The web app's own admin routes go through the page's fetch (lib/api-call.ts), not the
 * library client's: answers GET /api/admin/backups with `status`, records every path asked.
 */
function stubAdminFetch(status: object): string[] {
  const asked: string[] = [];
  vi.stubGlobal("fetch", async (url: string) => {
    const path = new URL(url, "http://fake.test").pathname;
    asked.push(path);
    return path === "/api/admin/backups" ? Response.json(status) : Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  });
  return asked;
}

function renderAt(path: string, isAdmin: boolean) {
  window.history.replaceState(null, "", path);
  const api = createFakeApi();
  const user = { id: "u1", email: "ada@example.com", name: "Ada", isAdmin };
  const fetch = async (url: string, init: RequestInit) =>
    new URL(url, "http://fake.test").pathname === "/api/auth/get-session" ? Response.json({ user, session: { id: "s1" } }) : api.fetch(url, init);
  render(
    <KeyhavenProvider client={createKeyhavenClient({ fetch })} queryClient={createKeyhavenQueryClient()}>
      <App />
    </KeyhavenProvider>,
  );
}

describe("admin routes", () => {
  it("the route table marks the admin pages", () => {
    expect(ROUTES.filter((r) => r.access === "admin").map((r) => [r.path, r.title])).toEqual([
      ["/admin/users", "Users"],
      ["/admin/service-tokens", "Service tokens"],
      ["/admin/backups", "Backups"],
    ]);
  });

  it("a non-admin has no admin links, and an admin page is 'Nothing here' to them", async () => {
    const asked = stubAdminFetch(QUIET_BACKUPS);
    renderAt("/admin/users", false);
    await screen.findByText("Nothing here");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Users" })).toBeNull();
    expect(within(nav).queryByRole("link", { name: "Service tokens" })).toBeNull();
    expect(within(nav).queryByRole("link", { name: "Backups" })).toBeNull();
    expect(within(nav).getByRole("link", { name: "API Keys" })).toBeTruthy();
    // Nobody asks the server about backups for them.
    expect(asked).not.toContain("/api/admin/backups");
  });

  it("an admin has the admin links", async () => {
    stubAdminFetch(QUIET_BACKUPS);
    renderAt("/keys", true);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Users" }).getAttribute("href")).toBe("/admin/users");
    expect(within(nav).getByRole("link", { name: "Service tokens" }).getAttribute("href")).toBe("/admin/service-tokens");
    expect(within(nav).getByRole("link", { name: "Backups" }).getAttribute("href")).toBe("/admin/backups");
  });

  it("an admin sees a failed backup's alert on any page, leading to Backups; none while all is well", async () => {
    const alert = "The last scheduled backup (started 2026-11-29T12:00:00.000Z) failed: ENOSPC: no space left on device, write";
    stubAdminFetch({ ...QUIET_BACKUPS, alert });
    renderAt("/keys", true);
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain(alert);
    expect(within(banner).getByRole("link", { name: "See the backups" }).getAttribute("href")).toBe("/admin/backups");
    cleanup();

    const asked = stubAdminFetch(QUIET_BACKUPS);
    renderAt("/keys", true);
    await screen.findByRole("navigation", { name: "Main" });
    await vi.waitFor(() => expect(asked).toContain("/api/admin/backups"));
    expect(screen.queryByTestId("backup-alert")).toBeNull();
  });
});
