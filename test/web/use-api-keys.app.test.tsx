// @vitest-environment node
/**
 * useApiKeys against the real HTTP app (SQLite), through `app.request` as fetch — the hook,
 * the typed client and the routes agree on shapes, errors and cache refresh.
 */
import "./testing-library-timeout.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { installDom } from "./dom-globals";

// Before Testing Library loads: it looks for `document` when imported.
const removeDom = installDom();
const { act, cleanup, renderHook, waitFor } = await import("@testing-library/react");
import { ApiError, useApiKeys } from "../../src/react/index.js";
import { keyhavenWrapper } from "./keyhaven-wrapper";
import { createHttpApp, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { actorFor } from "../support/actors.js";

let h: HttpApp;
let alice: SignedUpUser;
let bob: SignedUpUser;
/** Every request the hook's client made, as "METHOD path?query". */
const requests: string[] = [];

beforeAll(async () => {
  // Room for more keys than one page of the client (500) holds.
  h = await createHttpApp("sqlite", { env: { KEYHAVEN_MAX_KEYS_PER_OWNER: "1000" } });
  [alice, bob] = [await h.signUp(), await h.signUp()];
});
afterAll(async () => {
  await h?.close();
  await removeDom();
});
afterEach(cleanup);

/** What a browser tab signed in as `user` would do: same-origin cookie requests with an Origin. */
function renderAs(user: SignedUpUser | null) {
  const { wrapper } = keyhavenWrapper((url, init) => {
    requests.push(`${init.method} ${url}`);
    return h.app.request(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), origin: h.publicUrl, ...(user ? { cookie: user.cookie } : {}) },
    });
  });
  return renderHook(() => useApiKeys(), { wrapper });
}

describe("useApiKeys against the HTTP app", () => {
  it("creates, toggles and deletes, and the list follows each change", async () => {
    const { result } = renderAs(alice);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.error).toBeNull();
    expect(result.current.apiKeys).toEqual([]);

    let id = "";
    await act(async () => {
      id = (await result.current.createApiKey({ name: "Hook key", service: "openai", value: openaiKey() })).id;
    });
    await waitFor(() => expect(result.current.apiKeys.map((k) => k.name)).toEqual(["Hook key"]));
    expect(result.current.hasApiKey("openai")).toBe(true);

    await act(async () => {
      await result.current.updateApiKey(id, { isActive: false });
    });
    await waitFor(() => expect(result.current.hasApiKey("openai")).toBe(false));

    await act(async () => {
      await result.current.deleteApiKey(id);
    });
    await waitFor(() => expect(result.current.apiKeys).toEqual([]));
  });

  it("a user with more keys than one page holds sees every one, in the server's order", async () => {
    const carol = await h.signUp();
    const owner = { type: "user" as const, id: carol.id };
    for (let i = 0; i < 520; i++) await h.runtime.keys.create(actorFor(owner), owner, { name: `key ${i}`, service: i % 2 ? "openai" : "anthropic", value: i % 2 ? openaiKey() : `sk-ant-api03-${"a".repeat(30)}${i}` });
    requests.length = 0;
    const { result } = renderAs(carol);
    await waitFor(() => expect(result.current.isLoading).toBe(false), { timeout: 10_000 });
    // Two pages: 500, then the rest from the first page's cursor.
    expect(requests).toEqual(["GET /api/api-keys?limit=500", expect.stringMatching(/^GET \/api\/api-keys\?limit=500&cursor=[A-Za-z0-9_-]+$/)]);
    expect(result.current.error).toBeNull();
    const ids = result.current.apiKeys.map((k) => k.id);
    expect(ids).toHaveLength(520);
    expect(new Set(ids).size).toBe(520);
    const first = await h.request("GET", "/api/api-keys?limit=500", { cookie: carol.cookie });
    const page = (await first.json()) as { apiKeys: { id: string }[]; nextCursor: string };
    expect(ids.slice(0, 500)).toEqual(page.apiKeys.map((k) => k.id));
  });

  it("refreshApiKeys picks up a key added outside the hook", async () => {
    const { result } = renderAs(alice);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.hasApiKey("openai")).toBe(false);
    const res = await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "From a script", service: "openai", value: openaiKey() } });
    expect(res.status).toBe(201);
    await act(() => result.current.refreshApiKeys());
    await waitFor(() => expect(result.current.hasApiKey("openai")).toBe(true));
  });

  it("rejects a malformed key with the server's INVALID_KEY_FORMAT", async () => {
    const { result } = renderAs(alice);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    let err: unknown;
    await act(async () => {
      err = await result.current.createApiKey({ name: "bad", service: "openai", value: "not-a-key" }).catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: "INVALID_KEY_FORMAT", message: expect.stringMatching(/^Invalid API key format/) });
  });

  it("another user sees none of the first user's keys", async () => {
    const { result } = renderAs(bob);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.apiKeys).toEqual([]);
    expect(result.current.hasApiKey("openai")).toBe(false);
  });

  it("reports a missing session as a 401 ApiError", async () => {
    const { result } = renderAs(null);
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(result.current.apiKeys).toEqual([]);
  });
});
