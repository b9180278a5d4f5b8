/**
 * Where a token meets the rest of the request: a refused token spends none of its owner's rate
 * budget, a proxy's Basic auth next to a session cookie leaves the cookie in charge, and a
 * token in the query string is refused however it is written, on every /api route.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { KEY_WRITES_PER_MINUTE } from "../../src/limits/rate-limiter.js";

describeEachDatabase("bearer tokens at the edges", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let keyId: string;
  let readOnly: string;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { logLevel: "debug" });
    alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "k", service: "openai", value: openaiKey() })).id;
    readOnly = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ro", scopes: ["keys:read"] } }), 201)).token;
  });
  afterAll(() => h?.close());

  const bearer = (method: string, path: string, body?: unknown) =>
    h.request(method, path, { origin: null, headers: { authorization: `Bearer ${readOnly}` }, body });

  it("a token the policy refuses spends none of the owner's write or test budget", async () => {
    for (let i = 0; i < 12; i++) expect((await bearer("POST", "/api/api-keys/test", { keyId })).status).toBe(403);
    for (let i = 0; i <= KEY_WRITES_PER_MINUTE; i++) expect((await bearer("DELETE", `/api/api-keys/key_nope${i}`)).status).toBe(403);
    // The owner still has the whole budget: a test and a change go through.
    expect((await h.request("POST", "/api/api-keys/test", { cookie: alice.cookie, body: { keyId } })).status).not.toBe(429);
    expect((await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { description: "still mine" } })).status).toBe(200);
  });

  it("Basic auth from a proxy next to a session cookie: the cookie decides", async () => {
    const basic = { authorization: `Basic ${Buffer.from("proxy:pass").toString("base64")}` };
    expect((await h.request("GET", "/api/api-keys", { cookie: alice.cookie, headers: basic })).status).toBe(200);
    expect((await h.request("GET", "/api/api-keys", { origin: null, headers: basic })).status).toBe(401);
  });

  it("a token in the query string is refused however it is written, on every /api route", async () => {
    const enc = readOnly.replace("_", "%5F");
    for (const path of [
      `/api/api-keys?token=${readOnly}`,
      `/api/api-keys?token=${enc}`,
      `/api/api-keys?${readOnly}`,
      `/api/api-keys?token=Bearer%20${readOnly}`,
      `/api/api-keys?token=%20${readOnly}`,
      `/api/api-keys?a=1&access_token=${readOnly.toUpperCase()}`,
      `/api/tokens?token=${readOnly}`,
      `/api/health?t=${readOnly}`,
      `/api/resolve/openai?token=${readOnly}`,
    ]) {
      const res = await h.request("GET", path, { cookie: alice.cookie });
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.message).toBe("Send the access token in the Authorization header, never in the URL");
    }
    expect(h.logs.join("\n")).not.toContain(readOnly.slice(3));
    // Short text that merely starts like a token is not one.
    expect((await h.request("GET", "/api/api-keys?service=openai&x=kh_x", { cookie: alice.cookie })).status).toBe(200);
  });
});
