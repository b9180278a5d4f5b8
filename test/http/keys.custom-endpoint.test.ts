/**
 * POST/PUT /api/api-keys refuse a custom endpoint that is, or resolves to, an internal address
 * (400 VALIDATION_ERROR naming no address), unless the operator allows private endpoints.
 * DNS is injected: names resolve to what each test says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, expectError, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { mapLookup } from "../support/map-lookup.js";

const REFUSED = {
  code: "VALIDATION_ERROR",
  message: "config.baseUrl is not allowed: it points to a private or internal address",
  details: [{ path: "config.baseUrl", message: "points to a private or internal address" }],
};

const LITERAL = [
  "https://127.0.0.1/v1",
  "https://10.0.0.5/v1",
  "https://172.20.1.1/v1",
  "https://192.168.1.10:8443/v1",
  "https://169.254.169.254/latest",
  "https://168.63.129.16/",
  "https://100.64.0.1/v1",
  "https://[::1]/v1",
  "https://[fd00:ec2::254]/",
  "https://[::ffff:10.0.0.1]/v1",
  "https://0x7f000001/v1", // 127.0.0.1 written in hex
  "https://localhost/v1",
  "https://metadata.google.internal/computeMetadata",
];

// Names whose answers are internal, and the addresses a refusal must not name.
const RESOLVED: Record<string, string[]> = {
  "internal.example.com": ["10.1.2.3"],
  "mixed.example.com": ["93.184.216.34", "169.254.169.254"],
  "v6meta.example.com": ["fd00:ec2::254"],
  "azure.example.com": ["168.63.129.16"],
  "cgnat.example.com": ["100.100.100.200"],
};

describeEachDatabase("custom endpoints at save", (dialect) => {
  const lookup = mapLookup({ ...RESOLVED, "public.example.com": ["93.184.216.34"] });
  let strict: HttpApp;
  let allowing: HttpApp;
  let user: SignedUpUser;
  let allowed: SignedUpUser;

  beforeAll(async () => {
    strict = await createHttpApp(dialect, { lookup });
    allowing = await createHttpApp(dialect, { lookup, env: { KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: "true" } });
    [user, allowed] = [await strict.signUp(), await allowing.signUp()];
  });
  afterAll(async () => {
    await strict?.close();
    await allowing?.close();
  });

  const body = (baseUrl: string, name = `llm ${Math.random().toString(36).slice(2)}`) => ({
    name,
    service: "custom",
    value: "ck_custom_endpoint_test_0123456789",
    config: { baseUrl },
  });
  const create = (h: HttpApp, u: SignedUpUser, baseUrl: string) => h.request("POST", "/api/api-keys", { cookie: u.cookie, body: body(baseUrl) });
  const put = (h: HttpApp, u: SignedUpUser, id: string, fields: Record<string, unknown>) =>
    h.request("PUT", `/api/api-keys/${id}`, { cookie: u.cookie, body: fields });

  describe("refused without the operator's allowance", () => {
    it.each(LITERAL)("POST %s", async (baseUrl) => {
      await expectError(await create(strict, user, baseUrl), 400, REFUSED);
    });

    it.each(Object.entries(RESOLVED))("POST a name resolving inside (%s), naming no address", async (host, addresses) => {
      const text = await expectError(await create(strict, user, `https://${host}/v1`), 400, REFUSED);
      for (const address of addresses) expect(text).not.toContain(address);
    });

    it("PUT of a config pointing inside, literal or resolved; the stored config is left as it was", async () => {
      const key = await jsonOf(await create(strict, user, "https://public.example.com/v1"), 201);
      for (const baseUrl of ["https://10.0.0.9/v1", "https://internal.example.com/v1"]) {
        const text = await expectError(await put(strict, user, key.id, { config: { baseUrl } }), 400, REFUSED);
        expect(text).not.toContain("10.1.2.3");
      }
      const stored = await jsonOf(await strict.request("GET", `/api/api-keys/${key.id}`, { cookie: user.cookie }), 200);
      expect(stored.config.baseUrl).toBe("https://public.example.com/v1");
    });

    it("the database holds no such key afterwards", async () => {
      const rows = await strict.runtime.database.db.selectFrom("api_keys").select("config").where("service", "=", "custom").execute();
      for (const { config } of rows) expect(JSON.parse(config).baseUrl).toBe("https://public.example.com/v1");
    });
  });

  describe("accepted", () => {
    it("a public name, and a name DNS cannot resolve from here (the hand-out and the key test check again)", async () => {
      await jsonOf(await create(strict, user, "https://public.example.com/v2"), 201);
      await jsonOf(await create(strict, user, "https://not-yet-in-dns.example.com/v1"), 201);
    });

    it("a key's other fields change without a config in the body", async () => {
      const key = await jsonOf(await create(strict, user, "https://public.example.com/v3"), 201);
      lookup.answers["public.example.com"] = ["10.0.0.1"]; // moved inside after it was saved
      try {
        await jsonOf(await put(strict, user, key.id, { name: "renamed" }), 200);
      } finally {
        lookup.answers["public.example.com"] = ["93.184.216.34"];
      }
    });

    it.each([...LITERAL, ...Object.keys(RESOLVED).map((host) => `https://${host}/v1`)])(
      "POST and PUT %s when the operator allows private endpoints",
      async (baseUrl) => {
        const key = await jsonOf(await create(allowing, allowed, baseUrl), 201);
        await jsonOf(await put(allowing, allowed, key.id, { config: { baseUrl, headerPrefix: "Token " } }), 200);
      },
    );
  });
});
