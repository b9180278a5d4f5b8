// @vitest-environment happy-dom
/**
 * The keys page fetches the list once per page view, however many cards it shows: the cards
 * and their dialogs take the list's actions from the page instead of each subscribing to the
 * list query (with staleTime 0 every new subscriber refetched it).
 */
import "./testing-library-timeout.js";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";
import { KeysPage } from "../../web/src/pages/keys-page";
import { createFakeApi } from "./fake-api";

afterEach(cleanup);

const listFetches = (calls: string[]) => calls.filter((c) => c === "GET /api/api-keys").length;

describe("<KeysPage> requests", () => {
  for (const count of [1, 5]) {
    it(`${count} key(s): one GET /api/api-keys per page view`, async () => {
      const api = createFakeApi();
      for (let i = 0; i < count; i++) api.seed({ id: `k${i}`, name: `key ${i}`, service: "openai" });
      const client = createKeyhavenClient({ fetch: api.fetch });
      render(
        <KeyhavenProvider client={client} queryClient={createKeyhavenQueryClient()}>
          <KeysPage />
        </KeyhavenProvider>,
      );
      await waitFor(() => expect(screen.getAllByTestId("key-card")).toHaveLength(count));
      // Let any refetch the cards' mount would start arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(listFetches(api.calls)).toBe(1);
    });
  }
});
