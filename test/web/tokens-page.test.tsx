// @vitest-environment happy-dom
/**
 * Settings → Access tokens against the fake API (which checks bodies with the server's schema):
 * the three states, a token made and shown once, server validation in the form, revoking.
 */
import "./testing-library-timeout.js";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokensPage } from "../../web/src/pages/tokens-page";
import { createFakeApi } from "./fake-api";
import { keyhavenWrapper } from "./keyhaven-wrapper";

afterEach(cleanup);

const writeText = vi.fn(async (_text: string) => {});
beforeEach(() => {
  writeText.mockClear();
  Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
});

function renderPage(api = createFakeApi(), fetch: (url: string, init: RequestInit) => Promise<Response> = api.fetch) {
  const { wrapper: Wrapper } = keyhavenWrapper(fetch);
  render(
    <Wrapper>
      <TokensPage />
    </Wrapper>,
  );
  return api;
}

const dialog = () => screen.getByRole("dialog", { name: "New access token" });

async function openDialog() {
  fireEvent.click(await screen.findByRole("button", { name: "New token" }));
  return dialog();
}

describe("<TokensPage>", () => {
  it("shows loading, then the empty state", async () => {
    renderPage();
    expect(screen.getByText("Loading your tokens…")).toBeTruthy();
    await screen.findByText("No access tokens yet");
    expect(screen.getByRole("heading", { name: "Access tokens", level: 1 })).toBeTruthy();
  });

  it("shows the error state, and Try again fetches once more", async () => {
    const api = createFakeApi();
    let fail = true;
    renderPage(api, async (url, init) => {
      if (fail && url.endsWith("/api/tokens")) return Response.json({ error: { code: "INTERNAL", message: "Database unavailable" } }, { status: 503 });
      return api.fetch(url, init);
    });
    // A 5xx gets one retry (shouldRetry) before the error shows.
    await screen.findByText("Couldn't load your tokens", undefined, { timeout: 5000 });
    expect(screen.getByText("Database unavailable")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByText("No access tokens yet");
  });

  it("lists each token: name, kh_ prefix, scopes in order, dates, Never / Never used", async () => {
    const api = createFakeApi();
    api.seedToken({ id: "tok_a", name: "Nightly job", prefix: "Ab12Cd34", scopes: ["resolve", "keys:read"], expiresAt: null, lastUsedAt: null });
    api.seedToken({ id: "tok_b", name: "Old one", prefix: "Zz99Yy88", expiresAt: "2020-01-02T00:00:00Z", lastUsedAt: new Date().toISOString() });
    renderPage(api);
    const nightly = await screen.findByRole("article", { name: "Nightly job" });
    expect(within(nightly).getByTestId("token-prefix").textContent).toBe("kh_Ab12Cd34…");
    expect(within(nightly).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["keys:read", "resolve"]);
    expect(within(nightly).getByTestId("token-expires").textContent).toBe("Never");
    expect(within(nightly).getByTestId("token-last-used").textContent).toBe("Never used");
    const old = screen.getByRole("article", { name: "Old one" });
    expect(within(old).getByTestId("token-expires").textContent).toMatch(/^Expired .*2020/);
    expect(within(old).getByTestId("token-last-used").textContent).toBe("Just now");
    expect(screen.getByText(/^2 tokens\./)).toBeTruthy();
  });

  it("makes a token with the picked scopes; it is shown once, copied, and gone on dismiss", async () => {
    const api = renderPage();
    await screen.findByText("No access tokens yet");
    const d = await openDialog();
    expect(within(d).getByRole<HTMLInputElement>("checkbox", { name: /resolve/ }).checked).toBe(true);
    fireEvent.change(within(d).getByLabelText("Name"), { target: { value: "  CI deploy " } });
    fireEvent.click(within(d).getByRole("checkbox", { name: /keys:read/ }));
    fireEvent.change(within(d).getByLabelText("Expiration"), { target: { value: "never" } });
    fireEvent.click(within(d).getByRole("button", { name: "Create token" }));

    const panel = await screen.findByTestId("created-token");
    const token = within(panel).getByTestId("created-token-value").textContent ?? "";
    expect(token).toMatch(/^kh_tok_/);
    expect(panel.textContent).toContain("Copy it now — you won’t see it again.");
    expect(within(panel).getByTestId("token-usage-header").textContent).toBe("Authorization: Bearer kh_…");
    expect(within(panel).getByTestId("token-usage-curl").textContent).toContain("/api/resolve/openai");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    const stored = [...api.tokens.values()][0];
    expect(stored).toMatchObject({ name: "CI deploy", scopes: ["keys:read", "resolve"], expiresAt: null });
    const row = await screen.findByRole("article", { name: "CI deploy" });
    expect(within(row).getByTestId("token-prefix").textContent).toBe(`kh_${token.slice(3, 11)}…`);

    fireEvent.click(within(panel).getByRole("button", { name: "Copy" }));
    await within(panel).findByText("Copied to clipboard");
    expect(writeText).toHaveBeenCalledWith(token);

    fireEvent.click(within(panel).getByRole("button", { name: "I’ve copied it, hide it" }));
    expect(screen.queryByTestId("created-token")).toBeNull();
    expect(document.body.textContent).not.toContain(token);
  });

  it("checks the form before sending: a name and at least one scope", async () => {
    const api = renderPage();
    const d = await openDialog();
    fireEvent.click(within(d).getByRole("checkbox", { name: /resolve/ }));
    fireEvent.click(within(d).getByRole("button", { name: "Create token" }));
    expect(within(d).getByText("Give the token a name")).toBeTruthy();
    expect(within(d).getByText("Pick at least one scope")).toBeTruthy();
    expect(within(d).getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls.filter((c) => c === "POST /api/tokens")).toEqual([]);
  });

  it("shows the server's validation errors on the field they name and above the buttons", async () => {
    renderPage();
    const d = await openDialog();
    fireEvent.change(within(d).getByLabelText("Name"), { target: { value: "bell\u0007name" } });
    fireEvent.click(within(d).getByRole("button", { name: "Create token" }));
    await within(d).findByTestId("form-error");
    expect(within(d).getByTestId("form-error").textContent).toContain("must not contain control characters");
    expect(within(d).getByText("Must not contain control characters")).toBeTruthy();
    expect(within(d).getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    // Typing again clears the field's error.
    fireEvent.change(within(d).getByLabelText("Name"), { target: { value: "fine" } });
    expect(within(d).queryByText("Must not contain control characters")).toBeNull();
    expect(within(d).queryByTestId("form-error")).toBeNull();
  });

  it("a picked day is required, and one in the past is refused before sending", async () => {
    renderPage();
    const d = await openDialog();
    fireEvent.change(within(d).getByLabelText("Name"), { target: { value: "dated" } });
    fireEvent.change(within(d).getByLabelText("Expiration"), { target: { value: "date" } });
    fireEvent.click(within(d).getByRole("button", { name: "Create token" }));
    expect(within(d).getByText("Pick a day")).toBeTruthy();
    fireEvent.change(within(d).getByLabelText("Expiration day"), { target: { value: "2020-01-01" } });
    fireEvent.click(within(d).getByRole("button", { name: "Create token" }));
    expect(within(d).getByText("Pick a day from today on")).toBeTruthy();
  });

  it("revokes only after confirming; the row goes at once", async () => {
    const api = createFakeApi();
    api.seedToken({ id: "tok_a", name: "Nightly job" });
    renderPage(api);
    const row = await screen.findByRole("article", { name: "Nightly job" });
    fireEvent.click(within(row).getByRole("button", { name: "Revoke" }));
    const confirm = await screen.findByRole("alertdialog");
    expect(confirm.textContent).toContain("Revoke “Nightly job”?");
    fireEvent.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(api.tokens.has("tok_a")).toBe(true);

    fireEvent.click(within(row).getByRole("button", { name: "Revoke" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Revoke" }));
    await screen.findByText("No access tokens yet");
    expect(api.calls).toContain("DELETE /api/tokens/tok_a");
    expect(api.tokens.has("tok_a")).toBe(false);
    expect(screen.getByTestId("notice").textContent).toBe("Revoked Nightly job");
  });
});
