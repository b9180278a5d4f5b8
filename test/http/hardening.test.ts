/**
 * Attacks found in review, each pinned through the real app: rate-limit bypasses (form bodies,
 * spoofed X-Forwarded-For), cookie Secure flag, NUL bytes, broken percent-encoding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { awayFromWindowEdge, createHttpApp, expectError, fakeWebDir, sessionSetCookie, unique, type HttpApp } from "../support/http-app.js";
import { RATE_LIMITS } from "../../src/limits/rate-limiter.js";

describeEachDatabase("hardening", (dialect) => {
  let h: HttpApp;
  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_TRUST_PROXY: "true" }, app: { webDir: fakeWebDir() } });
  });
  afterAll(() => h?.close());

  describe("400: sign-in and sign-up take JSON only (form bodies would skip the per-email limit)", () => {
    for (const path of ["/api/auth/sign-in/email", "/api/auth/sign-up/email"]) {
      it(path, async () => {
        const res = await h.request("POST", path, {
          body: "email=a%40x.io&password=wrongpassword1&name=A",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}` },
        });
        await expectError(res, 400, {
          code: "VALIDATION_ERROR",
          message: "Content-Type must be application/json",
          details: [{ path: "content-type", message: "must be application/json" }],
        });
      });
    }
  });

  describe("429: the per-email sign-in limit holds whatever IP and however the email is spelled", () => {
    it("after 10 attempts from 10 addresses, the 11th is refused, even with the right password", async () => {
      const user = await h.signUp(`${unique()}@example.com`, { headers: { "x-forwarded-for": "198.51.100.1" } });
      await awayFromWindowEdge(RATE_LIMITS.signInPerEmail.windowMs);
      for (let i = 0; i < RATE_LIMITS.signInPerEmail.max; i++) {
        const spelled = i % 2 ? ` ${user.email.toUpperCase()} ` : user.email;
        const res = await h.request("POST", "/api/auth/sign-in/email", {
          body: { email: spelled, password: "wrong-password" },
          headers: { "x-forwarded-for": `198.51.100.${10 + i}` },
        });
        // Counted by our limiter either way; better-auth answers 401, or 400 for the padded spelling.
        expect([400, 401]).toContain(res.status);
      }
      const res = await h.request("POST", "/api/auth/sign-in/email", {
        body: { email: user.email, password: user.password },
        headers: { "x-forwarded-for": "198.51.100.99" },
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  });

  describe("429: a spoofed first X-Forwarded-For entry does not pick the rate-limit bucket", () => {
    it("only the last entry (appended by our proxy) counts", async () => {
      await awayFromWindowEdge(RATE_LIMITS.signInPerIp.windowMs);
      const proxyAppended = "192.0.2.77";
      let status = 0;
      for (let i = 0; i <= RATE_LIMITS.signInPerIp.max; i++) {
        const res = await h.request("POST", "/api/auth/sign-in/email", {
          body: { email: `${unique()}@example.com`, password: "wrong-password" },
          headers: { "x-forwarded-for": `10.9.${i >> 8}.${i & 255}, ${proxyAppended}` },
        });
        status = res.status;
      }
      expect(status).toBe(429);
    });
  });

  describe("400: control characters in labels (PostgreSQL cannot store NUL: never a 500)", () => {
    it("name and description with NUL are refused", async () => {
      const user = await h.signUp(`${unique()}@example.com`, { headers: { "x-forwarded-for": "198.51.100.200" } });
      for (const body of [
        { name: "bad\u0000name", service: "openai", value: "sk-proj-abcdefghijklmnopqrstuvwxyz1234" },
        { name: "ok", description: "bad\u0000", service: "openai", value: "sk-proj-abcdefghijklmnopqrstuvwxyz1234" },
      ]) {
        const res = await h.request("POST", "/api/api-keys", { cookie: user.cookie, body });
        expect(res.status).toBe(400);
        const json = (await res.json()) as { error: { code: string; details: { message: string }[] } };
        expect(json.error.code).toBe("VALIDATION_ERROR");
        expect(json.error.details[0].message).toBe("must not contain control characters");
      }
    });
  });

  describe("404: broken percent-encoding outside /api is a 404, not a 500", () => {
    it("GET /%E0%A4%A", async () => {
      const res = await h.app.request("/%E0%A4%A");
      expect(res.status).toBeLessThan(500);
    });
  });
});

describeEachDatabase("Secure cookies follow the public URL's scheme, whatever its case", (dialect) => {
  let h: HttpApp;
  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_PUBLIC_URL: "HTTPS://keys.example.com" } });
  });
  afterAll(() => h?.close());

  it("HTTPS:// in upper case still gives a Secure cookie", async () => {
    const res = await h.request("POST", "/api/auth/sign-up/email", {
      body: { email: `${unique()}@example.com`, password: "correct horse battery", name: "S" },
      origin: "https://keys.example.com",
    });
    expect(res.status).toBe(200);
    expect(sessionSetCookie(res)).toMatch(/;\s*Secure/i);
  });
});
