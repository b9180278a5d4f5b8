/** Security headers on every answer: API (success, errors) and the SPA at `/`. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, fakeWebDir, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { cspDirectives } from "../support/csp.js";

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = cspDirectives(csp);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  expect(directives["default-src"]).toEqual(["'self'"]);
  // The SPA's scripts come from our origin only: no inline script, no eval, no CDN.
  expect(directives["script-src"]).toEqual(["'self'"]);
  expect(directives["object-src"]).toEqual(["'none'"]);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describeEachDatabase("security headers", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let keyId: string;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { app: { webDir: fakeWebDir() } });
    alice = await h.signUp();
    const res = await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "k", service: "openai", value: openaiKey() } });
    keyId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => h?.close());

  describe("on API answers", () => {
    const cases: [string, () => Promise<Response>, number][] = [
      ["GET /api/health", () => h.request("GET", "/api/health"), 200],
      ["GET /api/services", () => h.request("GET", "/api/services"), 200],
      ["GET /api/api-keys (session)", () => h.request("GET", "/api/api-keys", { cookie: alice.cookie }), 200],
      ["GET /api/api-keys/:id?includeValue=true", () => h.request("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: alice.cookie }), 200],
      ["GET /api/api-keys (401)", () => h.request("GET", "/api/api-keys"), 401],
      ["POST /api/api-keys (400)", () => h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: "{" }), 400],
      ["POST /api/api-keys (403)", () => h.request("POST", "/api/api-keys", { cookie: alice.cookie, origin: "https://evil.example", body: {} }), 403],
      ["GET /api/nope (404)", () => h.request("GET", "/api/nope"), 404],
      ["GET /api/auth/get-session", () => h.request("GET", "/api/auth/get-session", { cookie: alice.cookie }), 200],
      ["GET /api/openapi.json", () => h.request("GET", "/api/openapi.json"), 200],
      ["GET /api/docs", () => h.request("GET", "/api/docs"), 200],
    ];
    for (const [label, send, status] of cases) {
      it(label, async () => {
        const res = await send();
        expect(res.status).toBe(status);
        expectSecurityHeaders(res);
      });
    }

    it("answers under /api/api-keys and /api/auth are never cached", async () => {
      for (const res of [
        await h.request("GET", "/api/api-keys", { cookie: alice.cookie }),
        await h.request("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: alice.cookie }),
        await h.request("GET", "/api/api-keys"),
        await h.request("GET", "/api/auth/get-session", { cookie: alice.cookie }),
      ]) {
        expect(res.headers.get("cache-control")).toBe("no-store");
      }
    });
  });

  describe("on the web app", () => {
    it("GET /", async () => {
      const res = await h.request("GET", "/", { origin: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expectSecurityHeaders(res);
    });

    it("a client-side route (SPA fallback)", async () => {
      const res = await h.request("GET", "/keys/some-page", { origin: null });
      expect(res.status).toBe(200);
      expectSecurityHeaders(res);
    });

    it("a static asset", async () => {
      const res = await h.request("GET", "/assets/app.js", { origin: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
      expectSecurityHeaders(res);
    });
  });
});
