/** GET /api/services — the catalog, public (no session needed). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, type HttpApp } from "../support/http-app.js";
import { publicCatalog } from "../../src/services/index.js";
import { SERVICE_IDS } from "../../src/shared/service-ids.js";

describeEachDatabase("GET /api/services", (dialect) => {
  let h: HttpApp;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("is the catalog: every service, in order, with label, format hint and where to get a key", async () => {
      const body = await jsonOf(await h.request("GET", "/api/services"), 200);
      expect(body).toEqual(publicCatalog());
      expect(body.map((s: { id: string }) => s.id)).toEqual([...SERVICE_IDS]);
      for (const service of body) {
        expect(Object.keys(service).sort()).toEqual(
          ["configFields", "defaultBaseUrl", "envVars", "formatHint", "id", "keyPageUrl", "keyShape", "label", "valueKind"].sort(),
        );
        expect(service.label).toEqual(expect.any(String));
        expect(service.formatHint.length).toBeGreaterThan(0);
      }
      const byId = Object.fromEntries(body.map((s: { id: string }) => [s.id, s]));
      expect(byId.openai).toMatchObject({ label: "OpenAI", valueKind: "string", envVars: ["OPENAI_API_KEY"], keyPageUrl: expect.stringMatching(/^https:\/\//) });
      expect(byId.aws).toMatchObject({ valueKind: "aws" });
      expect(byId.aws.configFields).toContainEqual(expect.objectContaining({ name: "region", default: "us-east-1" }));
      expect(byId.custom.configFields).toContainEqual(expect.objectContaining({ name: "baseUrl", required: true }));
    });

    it("needs no session and holds no secret", async () => {
      const res = await h.request("GET", "/api/services", { origin: null });
      expect(res.status).toBe(200);
      expect(await res.text()).not.toMatch(/sk-[A-Za-z0-9]{10}/);
    });
  });
});
