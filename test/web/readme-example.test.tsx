// @vitest-environment happy-dom
/** The component the README shows for `keyhaven/react`, rendered as written there. */
import "./testing-library-timeout.js";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { createKeyhavenClient, KeyhavenProvider, useApiKeys } from "../../src/react/index.js";
import { createFakeApi } from "./fake-api";

afterEach(cleanup);

// --- as in the README ---
function ChatSettings() {
  const { apiKeys, isLoading, error, hasApiKey, refreshApiKeys } = useApiKeys();
  if (isLoading) return <p>Loading keys…</p>;
  if (error) return <p role="alert">{error.message}</p>;
  return (
    <div>
      <p>{hasApiKey("openai") ? "OpenAI is ready" : "Add an OpenAI key to chat"}</p>
      <ul>
        {apiKeys.map((key) => (
          <li key={key.id}>
            {key.name} ({key.service}) {key.maskedValue}
          </li>
        ))}
      </ul>
      <button onClick={() => refreshApiKeys()}>Refresh</button>
    </div>
  );
}
// ---

it("shows the user's keys and whether a service is usable, and refreshes on demand", async () => {
  const api = createFakeApi();
  render(
    <KeyhavenProvider client={createKeyhavenClient({ fetch: api.fetch })}>
      <ChatSettings />
    </KeyhavenProvider>,
  );
  expect(screen.getByText("Loading keys…")).toBeTruthy();
  await screen.findByText("Add an OpenAI key to chat");
  api.seed({ id: "k1", name: "Work", service: "openai", maskedValue: "sk-…x7Qz" });
  fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
  await screen.findByText("OpenAI is ready");
  await waitFor(() => expect(screen.getByRole("listitem").textContent).toBe("Work (openai) sk-…x7Qz"));
});
