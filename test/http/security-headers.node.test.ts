/**
 * Security headers on a real port: on @hono/node-server they are set on Node's ServerResponse
 * before the answer is made (not on the web Headers afterwards), so this path is checked over
 * real HTTP: every answer carries them once, /api answers are `no-store`, and a route's own
 * value (the SPA's Cache-Control) wins. Also the session check when a request carries two
 * separate Cookie header lines, sent with node:http as raw header lines.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { securityHeaders } from "../../src/http/middleware/security.js";
import { listen, type RunningServer } from "../../src/http/server.js";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, fakeWebDir, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { cspDirectives } from "../support/csp.js";

/** The answer's headers as received: every line, names lower-cased, in order. */
interface RawAnswer {
  status: number;
  lines: [string, string][];
  body: string;
}

function rawRequest(url: string, path: string, headerLines: [string, string][]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // An array of header lines is sent as is: one line per pair, even for a repeated Cookie
    // (an object with an array value would be joined into one line with "; "). Node adds no
    // Host line to such an array, so it is given here.
    const headers = [["Host", new URL(url).host], ...headerLines].flat();
    const req = http.request(`${url}${path}`, { method: "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const lines: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        resolve({ status: res.statusCode!, lines, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const linesNamed = (answer: RawAnswer, name: string) => answer.lines.filter(([n]) => n === name).map(([, v]) => v);

/** Exactly one line of `name`, with exactly this value. */
function expectOnce(answer: RawAnswer, name: string, value: string) {
  expect(linesNamed(answer, name), name).toEqual([value]);
}

function expectSecurityHeaders(answer: RawAnswer) {
  const csp = linesNamed(answer, "content-security-policy");
  expect(csp).toHaveLength(1);
  const directives = cspDirectives(csp[0]);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  expect(directives["default-src"]).toEqual(["'self'"]);
  expect(directives["script-src"]).toEqual(["'self'"]);
  expect(directives["object-src"]).toEqual(["'none'"]);
  expectOnce(answer, "x-content-type-options", "nosniff");
  expectOnce(answer, "x-frame-options", "DENY");
  expectOnce(answer, "referrer-policy", "strict-origin-when-cross-origin");
  expectOnce(answer, "cross-origin-opener-policy", "same-origin");
  expectOnce(answer, "cross-origin-resource-policy", "same-origin");
  // The default public URL is http://localhost:…: no HSTS (see the start-up test for https).
  expect(linesNamed(answer, "strict-transport-security")).toEqual([]);
}

describeEachDatabase("security headers on a real port (Node)", (dialect) => {
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let keyId: string;

  const get = (path: string, cookie?: string) => rawRequest(server.url, path, cookie ? [["Cookie", cookie]] : []);

  beforeAll(async () => {
    h = await createHttpApp(dialect, { app: { webDir: fakeWebDir() } });
    alice = await h.signUp();
    const res = await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "k", service: "openai", value: openaiKey() } });
    keyId = ((await res.json()) as { id: string }).id;
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server?.stop(); // closes the runtime too
    await h?.close();
  });

  describe("API answers: security headers and Cache-Control: no-store, once each", () => {
    const cases: [string, () => Promise<RawAnswer>, number, RegExp][] = [
      ["GET /api/health", () => get("/api/health"), 200, /"status":"ok"/],
      ["GET /api/api-keys (401)", () => get("/api/api-keys"), 401, /"UNAUTHORIZED"/],
      ["GET /api/api-keys (200)", () => get("/api/api-keys", alice.cookie), 200, /"apiKeys":\[/],
      ["GET /api/api-keys/:id?includeValue=true", () => get(`/api/api-keys/${keyId}?includeValue=true`, alice.cookie), 200, /"value":"sk-proj-/],
      ["GET /api/nope (404)", () => get("/api/nope"), 404, /"NOT_FOUND"/],
      ["GET /api/api-keys/unknown (404)", () => get("/api/api-keys/key_doesnotexist000000", alice.cookie), 404, /"NOT_FOUND"/],
      ["GET /api/auth/get-session (its own no-store)", () => get("/api/auth/get-session", alice.cookie), 200, /"session":/],
    ];
    for (const [label, send, status, body] of cases) {
      it(label, async () => {
        const answer = await send();
        expect(answer.status, answer.body).toBe(status);
        expect(answer.body).toMatch(body);
        expectSecurityHeaders(answer);
        expectOnce(answer, "cache-control", "no-store");
      });
    }

    it("the same set as through app.request() (the web Headers path)", async () => {
      const names = (lines: Iterable<[string, string]>) =>
        [...lines].map(([n]) => n).filter((n) => n !== "date" && n !== "connection" && n !== "keep-alive" && n !== "content-length" && n !== "transfer-encoding");
      for (const path of ["/api/health", "/api/nope", "/api/api-keys"]) {
        const viaNode = await get(path, alice.cookie);
        const viaWeb = await h.request("GET", path, { cookie: alice.cookie, origin: null });
        const webLines = [...viaWeb.headers] as [string, string][];
        expect(viaNode.status).toBe(viaWeb.status);
        expect(new Set(names(viaNode.lines))).toEqual(new Set(names(webLines)));
        for (const [name, value] of webLines) {
          if (name === "date" || name === "content-length") continue;
          expect(linesNamed(viaNode, name), `${path} ${name}`).toEqual([value]);
        }
      }
    });
  });

  describe("the web app: security headers, and its own Cache-Control wins", () => {
    it("GET /", async () => {
      const answer = await get("/");
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<div id="root"></div>');
      expectOnce(answer, "content-type", "text/html; charset=utf-8");
      expectSecurityHeaders(answer);
      expectOnce(answer, "cache-control", "no-cache");
    });

    it("a client-side route (SPA fallback)", async () => {
      const answer = await get("/keys/some-page");
      expect(answer.status).toBe(200);
      expectSecurityHeaders(answer);
      expectOnce(answer, "cache-control", "no-cache");
    });

    it("a hashed asset keeps its long-lived Cache-Control", async () => {
      const answer = await get("/assets/app.js");
      expect(answer.status).toBe(200);
      expectSecurityHeaders(answer);
      expectOnce(answer, "cache-control", "public, max-age=31536000, immutable");
    });
  });

  describe("two separate Cookie header lines", () => {
    const sessionLine = () => alice.cookie;

    /** What better-auth alone says for these lines: get-session answers the session or null. */
    async function betterAuthSays(lines: [string, string][]): Promise<"session" | "none"> {
      const answer = await rawRequest(server.url, "/api/auth/get-session", lines);
      expect(answer.status, answer.body).toBe(200);
      const body = JSON.parse(answer.body) as { user?: { id: string } } | null;
      if (body) expect(body.user?.id).toBe(alice.id);
      return body ? "session" : "none";
    }

    it("are sent as two lines (the premise of these tests)", async () => {
      const echo = http.createServer((req, res) => {
        const cookies: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) if (/^cookie$/i.test(req.rawHeaders[i])) cookies.push(req.rawHeaders[i + 1]);
        res.end(JSON.stringify(cookies));
      });
      await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = echo.address() as AddressInfo;
        const answer = await rawRequest(`http://127.0.0.1:${port}`, "/", [
          ["Cookie", sessionLine()],
          ["Cookie", "theme=dark"],
        ]);
        expect(JSON.parse(answer.body)).toEqual([sessionLine(), "theme=dark"]);
      } finally {
        await new Promise((resolve) => echo.close(resolve));
      }
    });

    const forged = "better-auth.session_token=forgedtoken.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D";
    // What better-auth answers for each (pinned, so the comparison below cannot pass vacuously).
    for (const [label, lines, expected] of [
      ["the session cookie on the first line, another cookie on the second", () => [["Cookie", sessionLine()], ["Cookie", "theme=dark"]], "session"],
      ["another cookie on the first line, the session cookie on the second", () => [["Cookie", "theme=dark"], ["Cookie", sessionLine()]], "session"],
      ["the session cookie on both lines", () => [["Cookie", sessionLine()], ["Cookie", sessionLine()]], "session"],
      ["a dotted cookie on the second line", () => [["Cookie", sessionLine()], ["Cookie", "v=1.2.3"]], "session"],
      ["a forged session cookie on the first line, the real one on the second", () => [["Cookie", forged], ["Cookie", sessionLine()]], "none"],
      ["the real session cookie on the first line, a forged one on the second", () => [["Cookie", sessionLine()], ["Cookie", forged]], "session"],
      ["one line holding both (control)", () => [["Cookie", `${sessionLine()}; theme=dark`]], "session"],
    ] as [string, () => [string, string][], "session" | "none"][]) {
      it(`${label}: the status better-auth alone gives`, async () => {
        const verdict = await betterAuthSays(lines());
        expect(verdict).toBe(expected);
        const answer = await rawRequest(server.url, "/api/api-keys", lines());
        expect(answer.status, `${verdict}: ${answer.body}`).toBe(verdict === "session" ? 200 : 401);
        expectSecurityHeaders(answer);
        expectOnce(answer, "cache-control", "no-store");
      });
    }
  });
});

/**
 * No route of the app sets a value of its own for one of these headers under /api, so the
 * "a route's own value wins" rule is checked on a small app with the same middleware, served
 * by @hono/node-server (the ServerResponse path) and by app.request() (the web Headers path).
 */
describe("securityHeaders(): a route's own value wins, on both paths", () => {
  const app = new Hono();
  app.use("*", securityHeaders({ https: true }));
  app.get("/api/own", (c) => {
    c.header("Cache-Control", "private, max-age=5");
    c.header("X-Frame-Options", "SAMEORIGIN");
    return c.json({ ok: true });
  });
  app.get("/api/plain", (c) => c.json({ ok: true }));
  app.get("/page", (c) => {
    c.header("Cache-Control", "no-cache");
    c.header("Content-Security-Policy", "default-src 'none'");
    return c.html("<p>page</p>");
  });
  app.get("/api/stream", (c) => {
    c.header("Cache-Control", "private");
    return c.body(new ReadableStream({ start: (ctl) => (ctl.enqueue(new TextEncoder().encode("chunk")), ctl.close()) }));
  });

  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
        url = `http://127.0.0.1:${info.port}`;
        close = () => new Promise((done) => server.close(() => done()));
        resolve();
      });
    });
  });
  afterAll(() => close?.());

  const expected: [string, Record<string, string>][] = [
    ["/api/own", { "cache-control": "private, max-age=5", "x-frame-options": "SAMEORIGIN", "x-content-type-options": "nosniff" }],
    ["/api/plain", { "cache-control": "no-store", "x-frame-options": "DENY", "strict-transport-security": "max-age=15552000; includeSubDomains" }],
    ["/page", { "cache-control": "no-cache", "content-security-policy": "default-src 'none'", "x-frame-options": "DENY" }],
    ["/api/stream", { "cache-control": "private", "x-frame-options": "DENY", "referrer-policy": "strict-origin-when-cross-origin" }],
  ];
  for (const [path, headers] of expected) {
    it(`${path} on Node`, async () => {
      const answer = await rawRequest(url, path, []);
      expect(answer.status).toBe(200);
      for (const [name, value] of Object.entries(headers)) expectOnce(answer, name, value);
    });
    it(`${path} through app.request()`, async () => {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      for (const [name, value] of Object.entries(headers)) expect(res.headers.get(name), name).toBe(value);
    });
  }

  it("a non-API page gets no Cache-Control of the middleware's own", async () => {
    const plain = new Hono();
    plain.use("*", securityHeaders({ https: false }));
    plain.get("/x", (c) => c.text("x"));
    const res = await plain.request("/x");
    expect(res.headers.get("cache-control")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});
