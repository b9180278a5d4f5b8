/**
 * Through real HTTP: the server listening on a port (`listen()`), a client with a cookie jar
 * on global fetch — sign up, create, list, reveal, update, delete, sign out, then 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { apiKeyBody, createHttpApp, DEFAULT_PASSWORD, openaiKey, openaiMask, unique, type HttpApp } from "../support/http-app.js";
import { listen, type RunningServer } from "../../src/http/server.js";

/** The little a browser does with cookies: store on Set-Cookie, drop on Max-Age=0, send back. */
class CookieJar {
  readonly cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf("="));
      const value = pair.slice(pair.indexOf("=") + 1);
      const expired = value === "" || attributes.some((a) => /^max-age=0$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ") : undefined;
  }
}

describeEachDatabase("round trip over real HTTP", (dialect) => {
  let h: HttpApp;
  let server: RunningServer;
  const jar = new CookieJar();

  async function call(method: string, path: string, body?: unknown, cookie = jar.header()) {
    const headers: Record<string, string> = { origin: h.publicUrl };
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server?.stop(); // closes the runtime too
    await h?.close();
  });

  it("listens on a real port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  describe("the flow", () => {
    const email = `round-${unique()}@example.com`;
    const first = openaiKey();
    const second = openaiKey();
    let keyId: string;
    let sessionCookie: string;

    it("health, before signing in", async () => {
      expect(await call("GET", "/api/health")).toMatchObject({ status: 200, body: { status: "ok", database: dialect } });
      expect((await call("GET", "/api/api-keys")).status).toBe(401);
    });

    it("sign up stores the session cookie in the jar", async () => {
      const res = await call("POST", "/api/auth/sign-up/email", { email, password: DEFAULT_PASSWORD, name: "Round Trip" });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email, name: "Round Trip" });
      expect([...jar.cookies.keys()]).toContain("better-auth.session_token");
      sessionCookie = jar.header()!;
    });

    it("create", async () => {
      const res = await call("POST", "/api/api-keys", { name: "Round trip key", service: "openai", value: first });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(apiKeyBody({ name: "Round trip key", maskedValue: openaiMask(first) }));
      keyId = res.body.id;
    });

    it("list", async () => {
      const res = await call("GET", "/api/api-keys");
      expect(res.status).toBe(200);
      expect(res.body.apiKeys.map((k: { id: string }) => k.id)).toEqual([keyId]);
      expect(JSON.stringify(res.body)).not.toContain(first.slice(8));
    });

    it("reveal, not cacheable", async () => {
      const res = await call("GET", `/api/api-keys/${keyId}?includeValue=true`);
      expect(res).toMatchObject({ status: 200, body: { id: keyId, value: first } });
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("update", async () => {
      const res = await call("PUT", `/api/api-keys/${keyId}`, { name: "Renamed", value: second });
      expect(res).toMatchObject({ status: 200, body: { id: keyId, name: "Renamed", maskedValue: openaiMask(second) } });
      expect((await call("GET", `/api/api-keys/${keyId}?includeValue=true`)).body.value).toBe(second);
    });

    it("delete", async () => {
      const res = await call("DELETE", `/api/api-keys/${keyId}`);
      expect(res).toMatchObject({ status: 204, body: undefined });
      expect((await call("GET", `/api/api-keys/${keyId}`)).status).toBe(404);
      expect((await call("GET", "/api/api-keys")).body).toEqual({ apiKeys: [], nextCursor: null });
    });

    it("sign out empties the jar; then 401, even replaying the old cookie", async () => {
      const res = await call("POST", "/api/auth/sign-out", {});
      expect(res).toMatchObject({ status: 200, body: { success: true } });
      expect(jar.cookies.has("better-auth.session_token")).toBe(false);

      const after = await call("GET", "/api/api-keys");
      expect(after).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORIZED" } } });
      const replayed = await call("GET", "/api/api-keys", undefined, sessionCookie);
      expect(replayed).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORIZED" } } });
      expect((await call("GET", "/api/auth/get-session", undefined, sessionCookie)).body).toBeNull();
    });
  });
});
