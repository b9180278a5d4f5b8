/** GET /api/openapi.json (generated from the zod schemas) and the docs page at /api/docs (local assets only). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, type HttpApp } from "../support/http-app.js";
import { createKeyBodySchema, apiKeyListSchema, apiKeySchema, updateKeyBodySchema } from "../../src/shared/api-schemas.js";
import { SERVICE_IDS } from "../../src/shared/service-ids.js";

const KEY_ROUTES: Record<string, string[]> = {
  "/api/api-keys": ["get", "post"],
  "/api/api-keys/{id}": ["get", "put", "delete"],
  "/api/api-keys/test": ["post"],
  "/api/api-keys/stats": ["get"],
};

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describeEachDatabase("API documentation", (dialect) => {
  let h: HttpApp;
  let spec: any;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    spec = await jsonOf(await h.request("GET", "/api/openapi.json", { origin: null }), 200);
  });
  afterAll(() => h?.close());

  describe("GET /api/openapi.json 200", () => {
    it("is OpenAPI 3.1 with a title and our server", () => {
      expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
      expect(spec.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(spec.servers).toEqual([{ url: h.publicUrl }]);
    });

    it("has every /api/api-keys route with its methods, each answering its statuses", () => {
      for (const [path, methods] of Object.entries(KEY_ROUTES)) {
        expect(Object.keys(spec.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
        for (const method of methods) {
          const responses = Object.keys(spec.paths[path][method].responses);
          expect(responses, `${method} ${path}`).toContain("401");
          expect(responses.some((s) => s.startsWith("2")), `${method} ${path}`).toBe(true);
        }
      }
      expect(Object.keys(spec.paths["/api/api-keys"].post.responses).sort()).toEqual(["201", "400", "401", "403", "409", "413", "429"]);
      expect(Object.keys(spec.paths["/api/api-keys/{id}"].put.responses)).toContain("429");
      expect(Object.keys(spec.paths["/api/api-keys/{id}"].delete.responses).sort()).toEqual(["204", "401", "403", "404", "429"]);
      expect(Object.keys(spec.paths["/api/api-keys/test"].post.responses)).toContain("429");
      expect(spec.paths["/api/health"]).toBeDefined();
      expect(spec.paths["/api/services"]).toBeDefined();
    });

    it("components come from the zod schemas the routes validate with", () => {
      const schemas = spec.components.schemas;
      expect(schemas.CreateApiKey.properties.service.enum).toEqual([...SERVICE_IDS]);
      expect(schemas.CreateApiKey.required.sort()).toEqual(["name", "service", "value"]);
      const { $schema: _a, ...create } = z.toJSONSchema(createKeyBodySchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      expect(schemas.CreateApiKey).toEqual(create);
      const { $schema: _b, ...update } = z.toJSONSchema(updateKeyBodySchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      expect(schemas.UpdateApiKey).toEqual(update);
      const { $schema: _c, ...apiKey } = z.toJSONSchema(apiKeySchema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
      expect(schemas.ApiKey).toEqual(apiKey);
      // The ApiKey shape never has a value; only ApiKeyWithValue does.
      expect(schemas.ApiKey.properties).not.toHaveProperty("value");
      expect(schemas.ApiKeyWithValue.properties).toHaveProperty("value");
      expect(schemas.Error.properties.error.properties).toMatchObject({ code: expect.any(Object), message: expect.any(Object), details: expect.any(Object) });
    });

    it("the list is paginated: service, limit and cursor in, apiKeys and nextCursor out", () => {
      const get = spec.paths["/api/api-keys"].get;
      const params = Object.fromEntries(get.parameters.map((p: { name: string }) => [p.name, p]));
      expect(Object.keys(params)).toEqual(["service", "limit", "cursor", "teamId"]);
      for (const p of Object.values(params) as { in: string; required: boolean; description: string }[]) {
        expect(p).toMatchObject({ in: "query", required: false, description: expect.any(String) });
      }
      expect(params.service.schema.enum).toEqual([...SERVICE_IDS]);
      expect(params.limit.description).toMatch(/1–500 \(default 100\)/);
      expect(params.cursor.schema).toMatchObject({ type: "string", maxLength: 512 });
      const { $schema: _d, ...list } = z.toJSONSchema(apiKeyListSchema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
      expect(spec.components.schemas.ApiKeyList).toEqual(list);
      expect(spec.components.schemas.ApiKeyList.required).toEqual(["apiKeys", "nextCursor"]);
      expect(spec.components.schemas.ApiKeyList.properties.nextCursor).toEqual({ type: ["string", "null"] });
    });

    it("every $ref resolves", () => {
      const refs = refsIn(spec.paths);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(ref).toMatch(/^#\/components\/schemas\//);
        expect(spec.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
      }
    });
  });

  describe("GET /api/docs 200", () => {
    let html: string;
    beforeAll(async () => {
      const res = await h.request("GET", "/api/docs", { origin: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      html = await res.text();
    });

    it("is a page that references only local /api assets (no CDN, no inline script)", () => {
      const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(ref).toMatch(/^\/api\/(docs\/|openapi\.json$)/);
      expect(html).not.toMatch(/https?:\/\/|\/\/[a-z]/i);
      // The CSP allows script-src 'self' only: every script must be a file.
      for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
        expect(tag).toMatch(/^<script\b[^>]*\bsrc="\/api\/docs\/[^"]+"[^>]*><\/script>$/);
      }
    });

    it("its assets load with the right content types", async () => {
      const assets = [...html.matchAll(/\b(?:src|href)="(\/api\/docs\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) {
        const res = await h.request("GET", asset, { origin: null });
        expect(res.status, asset).toBe(200);
        const body = await res.text();
        expect(body.length, asset).toBeGreaterThan(0);
        if (asset.endsWith(".js")) {
          expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
          expect(body).toContain("/api/openapi.json");
          expect(body).not.toMatch(/https?:\/\//);
        }
        if (asset.endsWith(".css")) expect(res.headers.get("content-type")).toMatch(/^text\/css/);
      }
    });
  });
});
