// @vitest-environment happy-dom
import "./testing-library-timeout.js";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, useApiKeys } from "../../src/react/index.js";
import { createFakeApi } from "./fake-api";
import { keyhavenWrapper } from "./keyhaven-wrapper";

afterEach(cleanup);

function setup(seed: (api: ReturnType<typeof createFakeApi>) => void = () => {}) {
  const api = createFakeApi();
  seed(api);
  const { wrapper, queryClient } = keyhavenWrapper(api.fetch);
  const hook = renderHook(() => useApiKeys(), { wrapper });
  return { api, hook, queryClient };
}

const sk = `sk-${"a".repeat(30)}`;

describe("useApiKeys", () => {
  it("loads the list and answers hasApiKey for active, unexpired keys only", async () => {
    const { hook } = setup((api) => {
      api.seed({ id: "k1", name: "on", service: "openai" });
      api.seed({ id: "k2", name: "off", service: "anthropic", isActive: false });
      api.seed({ id: "k3", name: "old", service: "groq", expiresAt: "2001-01-01T00:00:00Z" });
      api.seed({ id: "k4", name: "gone", service: "xai", isExpired: true });
    });
    expect(hook.result.current.isLoading).toBe(true);
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));
    expect(hook.result.current.apiKeys.map((k) => k.id).sort()).toEqual(["k1", "k2", "k3", "k4"]);
    expect(hook.result.current.hasApiKey("openai")).toBe(true);
    expect(hook.result.current.hasApiKey("anthropic")).toBe(false);
    expect(hook.result.current.hasApiKey("groq")).toBe(false);
    expect(hook.result.current.hasApiKey("xai")).toBe(false);
    expect(hook.result.current.hasApiKey("google")).toBe(false);
  });

  it("refreshes the list after create, update, delete and a saved-key test", async () => {
    const { api, hook } = setup();
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));

    let id = "";
    await act(async () => {
      id = (await hook.result.current.createApiKey({ name: "Mine", service: "openai", value: sk })).id;
    });
    await waitFor(() => expect(hook.result.current.apiKeys.map((k) => k.name)).toEqual(["Mine"]));
    expect(hook.result.current.hasApiKey("openai")).toBe(true);

    await act(async () => {
      await hook.result.current.updateApiKey(id, { isActive: false });
    });
    await waitFor(() => expect(hook.result.current.apiKeys[0].isActive).toBe(false));
    expect(hook.result.current.hasApiKey("openai")).toBe(false);

    await act(async () => {
      await hook.result.current.testApiKey(id);
    });
    await waitFor(() => expect(hook.result.current.apiKeys[0].lastTestStatus).toBe("valid"));

    await act(async () => {
      await hook.result.current.deleteApiKey(id);
    });
    await waitFor(() => expect(hook.result.current.apiKeys).toEqual([]));
    // Each mutation is followed by a list refetch.
    expect(api.calls.filter((c) => c === "GET /api/api-keys").length).toBeGreaterThanOrEqual(5);
  });

  it("follows nextCursor until the last page: a user with 1,234 keys sees them all, as one list", async () => {
    const { api, hook } = setup((api) => {
      for (let i = 0; i < 1233; i++) api.seed({ id: `k${i}`, name: `key ${i}`, service: "openai", isActive: false });
      api.seed({ id: "last", name: "on the last page", service: "anthropic" });
    });
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));
    expect(hook.result.current.apiKeys).toHaveLength(1234);
    expect(new Set(hook.result.current.apiKeys.map((k) => k.id)).size).toBe(1234);
    expect(hook.result.current.apiKeys.at(-1)!.id).toBe("last");
    expect(hook.result.current.hasApiKey("anthropic")).toBe(true);
    // Pages of the largest size, each from the previous page's cursor.
    expect(api.pages).toEqual([{ limit: "500" }, { limit: "500", cursor: "500" }, { limit: "500", cursor: "1000" }]);
  });

  it("refreshApiKeys picks up changes made elsewhere", async () => {
    const { api, hook } = setup();
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));
    api.seed({ id: "k9", name: "from a script", service: "google" });
    expect(hook.result.current.hasApiKey("google")).toBe(false);
    await act(() => hook.result.current.refreshApiKeys());
    await waitFor(() => expect(hook.result.current.hasApiKey("google")).toBe(true));
  });

  it("rejects with the server's ApiError and leaves the list alone", async () => {
    const { hook } = setup();
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));
    let err: unknown;
    await act(async () => {
      err = await hook.result.current.createApiKey({ name: "bad", service: "openai", value: "nope" }).catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe("Invalid API key format");
    expect(hook.result.current.apiKeys).toEqual([]);
  });

  it("tests an unsaved key without touching the list", async () => {
    const { api, hook } = setup();
    await waitFor(() => expect(hook.result.current.isLoading).toBe(false));
    const before = api.calls.length;
    let status = "";
    await act(async () => {
      status = (await hook.result.current.testApiKey({ service: "openai", value: sk })).status;
    });
    expect(status).toBe("valid");
    expect(api.calls.slice(before)).toEqual(["POST /api/api-keys/test"]);
  });

  it("says clearly when used outside <KeyhavenProvider>", () => {
    expect(() => renderHook(() => useApiKeys())).toThrow(/KeyhavenProvider/);
  });
});
