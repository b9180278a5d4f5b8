// @vitest-environment happy-dom
/** The route table drives the app: who sees which page, what the tab says, the not-found page. */
import "./testing-library-timeout.js";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import { App } from "../../web/src/app";
import { findRoute, ROUTES } from "../../web/src/routes";
import { createFakeApi } from "./fake-api";

afterEach(cleanup);

const user = { id: "u1", email: "ada@example.com", name: "Ada" };

function renderAt(path: string, signedIn: boolean) {
  window.history.replaceState(null, "", path);
  const api = createFakeApi();
  const fetch = async (url: string, init: RequestInit) =>
    new URL(url, "http://fake.test").pathname === "/api/auth/get-session"
      ? Response.json(signedIn ? { user, session: { id: "s1" } } : null)
      : api.fetch(url, init);
  render(
    <KeyhavenProvider client={createKeyhavenClient({ fetch })} queryClient={createKeyhavenQueryClient()}>
      <App />
    </KeyhavenProvider>,
  );
}

describe("routes", () => {
  it("each path appears once, and is found exactly", () => {
    const paths = ROUTES.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(findRoute("/keys")?.title).toBe("API Keys");
    expect(findRoute("/keys/extra")).toBeUndefined();
  });

  it("a signed-in person gets the page and its title", async () => {
    renderAt("/keys", true);
    await screen.findByRole("heading", { name: "API Keys", level: 1 });
    await waitFor(() => expect(document.title).toBe("API Keys · Keyhaven"));
  });

  it("an unknown path is the not-found page inside the app", async () => {
    renderAt("/nowhere", true);
    await screen.findByText("Nothing here");
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();
  });

  it("a signed-out person is sent to sign in, with the page to come back to", async () => {
    renderAt("/usage", false);
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/sign-in?next=%2Fusage"));
  });

  it("a signed-out person opening an invitation link signs in first, then comes back to it", async () => {
    renderAt("/invite/inv_1", false);
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/sign-in?next=%2Finvite%2Finv_1"));
  });

  it("a signed-in person on a guest page is sent on", async () => {
    renderAt("/sign-in?next=%2Fkeys", true);
    await waitFor(() => expect(window.location.pathname).toBe("/keys"));
  });
});
