// @vitest-environment happy-dom
/** The web app takes service labels from GET /api/services and keeps no copy of its own. */
import "./testing-library-timeout.js";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import { joinOr, serviceLabel } from "../../web/src/lib/services";
import { KeysPage } from "../../web/src/pages/keys-page";
import { publicCatalog } from "../../src/services/catalog.js";
import { createFakeApi } from "./fake-api";

afterEach(cleanup);

describe("service catalog in the web app", () => {
  it("labels a service from the catalog, and by its id until the catalog is there", () => {
    expect(serviceLabel(publicCatalog(), "google")).toBe("Google AI");
    expect(serviceLabel(undefined, "google")).toBe("google");
  });

  it("joins labels for a sentence", () => {
    expect(joinOr([])).toBe("");
    expect(joinOr(["AWS"])).toBe("AWS");
    expect(joinOr(["OpenAI", "Groq", "AWS"])).toBe("OpenAI, Groq or AWS");
  });

  it("a key card shows the catalog's label for its service", async () => {
    const api = createFakeApi();
    api.seed({ id: "k1", name: "Gemini", service: "google" });
    render(
      <KeyhavenProvider client={createKeyhavenClient({ fetch: api.fetch })} queryClient={createKeyhavenQueryClient()}>
        <KeysPage />
      </KeyhavenProvider>,
    );
    const card = await screen.findByTestId("key-card");
    await waitFor(() => expect(within(card).getByText("Google AI")).toBeTruthy());
  });

  it("the empty page lists the catalog's services", async () => {
    const api = createFakeApi();
    render(
      <KeyhavenProvider client={createKeyhavenClient({ fetch: api.fetch })} queryClient={createKeyhavenQueryClient()}>
        <KeysPage />
      </KeyhavenProvider>,
    );
    await waitFor(() => expect(screen.getByText(/Add a key for OpenAI, Anthropic, Google AI, Groq, xAI, AWS or your own endpoint\./)).toBeTruthy());
  });
});
