/** GET /api/health. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, type HttpApp } from "../support/http-app.js";

describeEachDatabase("GET /api/health", (dialect) => {
  let h: HttpApp;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("says ok and which database it runs on, without a session", async () => {
      expect(await jsonOf(await h.request("GET", "/api/health", { origin: null }), 200)).toEqual({ status: "ok", database: dialect });
    });
  });
});
