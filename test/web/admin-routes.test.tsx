// @vitest-environment happy-dom
/** Admin pages are in the navigation, and open, only when the session says the user is an admin. */
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import { App } from "../../web/src/app";
import { ROUTES } from "../../web/src/routes";
import { createFakeApi } from "./fake-api";

afterEach(cleanup);

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
    ]);
  });

  it("a non-admin has no admin links, and an admin page is 'Nothing here' to them", async () => {
    renderAt("/admin/users", false);
    await screen.findByText("Nothing here");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Users" })).toBeNull();
    expect(within(nav).queryByRole("link", { name: "Service tokens" })).toBeNull();
    expect(within(nav).getByRole("link", { name: "API Keys" })).toBeTruthy();
  });

  it("an admin has both links", async () => {
    renderAt("/keys", true);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Users" }).getAttribute("href")).toBe("/admin/users");
    expect(within(nav).getByRole("link", { name: "Service tokens" }).getAttribute("href")).toBe("/admin/service-tokens");
  });
});
