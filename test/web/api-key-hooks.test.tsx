// @vitest-environment happy-dom
/** The smaller hooks useApiKeys is made of, used on their own. */
import "./testing-library-timeout.js";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  useApiKeyList,
  useCreateApiKey,
  useDeleteApiKey,
  useTestApiKey,
  useUpdateApiKey,
} from "../../src/react/index.js";
import { createFakeApi } from "./fake-api";
import { keyhavenWrapper } from "./keyhaven-wrapper";

afterEach(cleanup);

const sk = `sk-${"a".repeat(30)}`;

function setup() {
  const api = createFakeApi();
  const { wrapper } = keyhavenWrapper(api.fetch);
  return { api, wrapper };
}

const listFetches = (calls: string[]) => calls.filter((c) => c === "GET /api/api-keys").length;

describe("api key hooks", () => {
  it("the mutation hooks change keys without fetching the list", async () => {
    const { api, wrapper } = setup();
    const hook = renderHook(() => ({ create: useCreateApiKey(), update: useUpdateApiKey(), test: useTestApiKey(), remove: useDeleteApiKey() }), { wrapper });
    let id = "";
    await act(async () => {
      id = (await hook.result.current.create.mutateAsync({ name: "Mine", service: "openai", value: sk })).id;
    });
    await act(async () => {
      await hook.result.current.update.mutateAsync({ id, body: { name: "Renamed" } });
    });
    let status = "";
    await act(async () => {
      status = (await hook.result.current.test.mutateAsync(id)).status;
    });
    expect(status).toBe("valid");
    expect(api.keys.get(id)?.name).toBe("Renamed");
    await act(async () => {
      await hook.result.current.remove.mutateAsync(id);
    });
    expect(api.keys.size).toBe(0);
    // Nobody shows the list, so invalidating it refetches nothing.
    expect(listFetches(api.calls)).toBe(0);
  });

  it("a list shown elsewhere follows the mutation hooks' changes", async () => {
    const { wrapper } = setup();
    const hook = renderHook(() => ({ list: useApiKeyList(), create: useCreateApiKey(), remove: useDeleteApiKey() }), { wrapper });
    await waitFor(() => expect(hook.result.current.list.isLoading).toBe(false));
    expect(hook.result.current.list.hasApiKey("openai")).toBe(false);
    let id = "";
    await act(async () => {
      id = (await hook.result.current.create.mutateAsync({ name: "Mine", service: "openai", value: sk })).id;
    });
    await waitFor(() => expect(hook.result.current.list.apiKeys.map((k) => k.name)).toEqual(["Mine"]));
    expect(hook.result.current.list.hasApiKey("openai")).toBe(true);
    await act(async () => {
      await hook.result.current.remove.mutateAsync(id);
    });
    await waitFor(() => expect(hook.result.current.list.apiKeys).toEqual([]));
  });
});
