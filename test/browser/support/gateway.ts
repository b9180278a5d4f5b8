/**
 * The gateway in browser tests: a harness whose OpenAI base URL is the fake LLM (chat
 * completions with real-looking usage), and requests sent through `/gateway/openai/v1` with an
 * access token, as an application would.
 */
import { expect } from "vitest";
import type { Page } from "playwright-core";
import { startFakeLlm, type FakeLlm } from "../../support/fake-llm-upstream.js";
import { startHarness, type Harness } from "./harness.js";

export const UNPRICED_MODEL = "kh-unpriced-model";

export async function startGatewayHarness(): Promise<{ h: Harness; llm: FakeLlm; close: () => Promise<void> }> {
  const llm = await startFakeLlm();
  try {
    const h = await startHarness({ env: { KEYHAVEN_OPENAI_BASE_URL: `${llm.url}/openai/v1` } });
    return { h, llm, close: async () => (await h.close(), await llm.close()) };
  } catch (err) {
    await llm.close();
    throw err;
  }
}

/** One chat completion through the gateway; the answer's status and the cost Keyhaven put on it (null: unpriced). */
export async function sendChat(base: string, token: string, model: string, extra: Record<string, unknown> = {}): Promise<{ status: number; costUsd: number | null }> {
  const res = await fetch(`${base}/gateway/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra }),
  });
  await res.arrayBuffer();
  const cost = res.headers.get("x-keyhaven-cost-usd");
  return { status: res.status, costUsd: cost === null || cost === "" ? null : Number(cost) };
}

/** A key and a token through the REST API with the page's session, as the person would make them. */
export async function keyAndToken(page: Page, base: string, key: { name: string; value: string }, tokenName: string): Promise<{ keyId: string; token: string; tokenId: string }> {
  const k = await page.request.post("/api/api-keys", { data: { name: key.name, service: "openai", value: key.value }, headers: { origin: base } });
  expect(k.status(), await k.text()).toBe(201);
  const t = await page.request.post("/api/tokens", { data: { name: tokenName, scopes: ["resolve"], expiresAt: null }, headers: { origin: base } });
  expect(t.status(), await t.text()).toBe(201);
  const created = (await t.json()) as { token: string; accessToken: { id: string } };
  return { keyId: ((await k.json()) as { id: string }).id, token: created.token, tokenId: created.accessToken.id };
}
