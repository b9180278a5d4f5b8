/** Unknown routes under /api answer 404 in the JSON error shape, whatever the method or session. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, fakeWebDir, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("unknown /api routes", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;

  beforeAll(async () => {
    h = await createHttpApp(dialect, { app: { webDir: fakeWebDir() } });
    alice = await h.signUp();
  });
  afterAll(() => h?.close());

  describe("404", () => {
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["POST", "/api/nope"],
      ["DELETE", "/api/nope/deeper"],
      ["GET", "/api"],
      ["GET", "/api/keys"],
    ] as const) {
      it(`${method} ${path}`, async () => {
        await expectError(await h.request(method, path, { body: method === "POST" ? {} : undefined }), 404, {
          code: "NOT_FOUND",
          message: `No route ${method} ${path}`,
        });
      });
    }

    it("a method a key route does not have (with a session)", async () => {
      await expectError(await h.request("PATCH", "/api/api-keys/key_x", { cookie: alice.cookie, body: {} }), 404, {
        code: "NOT_FOUND",
        message: "No route PATCH /api/api-keys/key_x",
      });
    });

    it("an unknown route under /api/auth is JSON too", async () => {
      const res = await h.request("GET", "/api/auth/nope");
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    });

    it("is never the SPA's HTML", async () => {
      const res = await h.request("GET", "/api/some/page");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.text()).not.toContain("<html");
    });
  });
});
