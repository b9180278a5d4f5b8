/** The registry and SERVICE_IDS agree one to one, and every module is a well-formed definition. */
import { describe, expect, it } from "vitest";
import {
  findService,
  getService,
  indexProviders,
  listServices,
  normalizeKeyValue,
  PROVIDERS,
  SERVICE_IDS,
  publicCatalog,
  type ProviderDefinition,
} from "../../src/services/index.js";
import { looksLike, shapePrefixes } from "../../src/shared/key-shapes.js";
import { body } from "./helpers.js";

describe("registry", () => {
  it("has exactly one provider module per SERVICE_IDS entry, and no other", () => {
    const ids = PROVIDERS.map((p) => p.id);
    expect([...ids].sort()).toEqual([...SERVICE_IDS].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of SERVICE_IDS) expect(getService(id)).toBe(PROVIDERS.find((p) => p.id === id));
    expect(listServices().map((s) => s.id)).toEqual([...SERVICE_IDS]);
  });

  it("refuses at load a module without an id, an id without a module, or a module twice", () => {
    const [first, second] = PROVIDERS as readonly ProviderDefinition[];
    expect(() => indexProviders(["openai", "anthropic"], [first])).toThrow(/No provider module for: anthropic/);
    expect(() => indexProviders(["openai"], [first, second])).toThrow(/"anthropic" is not in SERVICE_IDS/);
    expect(() => indexProviders(["openai"], [first, first])).toThrow(/Two provider modules for "openai"/);
  });

  it("finds known ids only, without throwing", () => {
    expect(findService("groq")?.label).toBe("Groq");
    for (const x of ["mistral", "", "__proto__", "toString"]) expect(findService(x)).toBeUndefined();
  });

  it("gives every module what the catalog and the key tester need", () => {
    for (const p of PROVIDERS as readonly ProviderDefinition[]) {
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.valueKind === "aws").toBe(p.keyShape.kind === "aws");
      expect(p.baseUrlEnvVar === null || p.baseUrlEnvVar === `KEYHAVEN_${p.id.toUpperCase()}_BASE_URL`).toBe(true);
      // A built-in service is reached at a URL Keyhaven knows; only custom brings its own.
      expect(p.defaultBaseUrl === null).toBe(p.baseUrlEnvVar === null);
      if (p.defaultBaseUrl === null) expect(p.baseUrl).toBeTypeOf("function");
      if (p.keyTest.kind === "get") expect(p.keyTest.path).toMatch(/^\//);
      expect(Object.keys(p.configSchema({}).shape).sort()).toEqual(p.configFields.map((f) => f.name).sort());
    }
  });
});

describe("key shapes drive recognition", () => {
  it("recognises each service's keys from all shapes, longest prefix first", () => {
    const catalog = publicCatalog();
    expect(looksLike(`sk-ant-api03-${body(40)}`, catalog)).toBe("anthropic");
    expect(looksLike(`sk-proj-${body(40)}`, catalog)).toBe("openai");
    expect(looksLike(`AIza${body(35)}`, catalog)).toBe("google");
    expect(looksLike(`gsk_${body(40)}`, catalog)).toBe("groq");
    expect(looksLike(`xai-${body(40)}`, catalog)).toBe("xai");
    expect(looksLike("AKIAIOSFODNN7EXAMPLE", catalog)).toBe("aws");
    expect(looksLike("ASIAIOSFODNN7EXAMPLE", catalog)).toBe("aws");
    expect(looksLike("anything-else-at-all", catalog)).toBeUndefined();
    // The order of the list does not matter: the longer prefix wins either way.
    expect(looksLike(`sk-ant-${body(40)}`, [...catalog].reverse())).toBe("anthropic");
  });

  it("recognises a shape it is given with no code change", () => {
    const services = [
      ...publicCatalog().filter((s) => s.id !== "custom"),
      { id: "custom" as const, keyShape: { kind: "prefixed" as const, prefix: "sk-ant-admin-", bodyLength: null } },
    ];
    expect(looksLike(`sk-ant-admin-${body(30)}`, services)).toBe("custom");
    expect(looksLike(`sk-ant-api03-${body(30)}`, services)).toBe("anthropic");
  });

  it("accepts, for every prefixed service, a key built from its own shape", () => {
    for (const s of listServices()) {
      if (s.keyShape.kind !== "prefixed") continue;
      const key = `${s.keyShape.prefix}${body(s.keyShape.bodyLength ?? 40)}`;
      expect(normalizeKeyValue(s.id, key)).toBe(key);
      expect(shapePrefixes(s.keyShape)).toEqual([s.keyShape.prefix]);
    }
  });
});
