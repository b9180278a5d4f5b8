/**
 * 400s for bodies with huge or many unknown fields: the answer stays short, names the problem,
 * and quotes neither the field name in full nor any value (it would hand the body back, and a
 * body may carry a secret).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";

/** A field name of ~10 KB and a value of ~50 KB, random so any echo of them is unmistakable. */
const bigName = () => `field_${randomBytes(5_000).toString("hex")}`;
const bigValue = () => randomBytes(37_000).toString("base64url");

describeEachDatabase("400 for oversized fields", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let keyId: string;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "mine", service: "openai", value: openaiKey() })).id;
  });
  afterAll(() => h?.close());

  /** A 400 VALIDATION_ERROR under 2 KB with bounded paths and messages, containing none of `secrets`. */
  async function expectShortError(res: Response, secrets: { name: string; value: string }): Promise<any> {
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    expect(text.length).toBeLessThan(2048);
    const body = JSON.parse(text);
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.message.length).toBeLessThanOrEqual(600);
    for (const d of body.error.details ?? []) {
      expect(d.path.length).toBeLessThanOrEqual(100);
      expect(d.message.length).toBeLessThanOrEqual(200);
    }
    // At most a short prefix of the field name (to say which field), never the name or value.
    expect(text).not.toContain(secrets.name.slice(0, 100));
    expect(text).not.toContain(secrets.value.slice(0, 16));
    expect(text).not.toContain(secrets.value.slice(-16));
    return body;
  }

  describe("400", () => {
    it("POST /api/api-keys: a 10 KB unknown config field with a 50 KB value; huge values in wrong-typed fields", async () => {
      const s = { name: bigName(), value: bigValue() };
      const body = await expectShortError(
        await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "x", service: "openai", value: openaiKey(), config: { [s.name]: s.value } } }),
        s,
      );
      expect(body.error.details).toEqual([{ path: expect.stringMatching(/^config\.field_[0-9a-f]+…$/), message: 'unknown field; service "openai" takes no config fields' }]);

      for (const field of ["isActive", "config", "expiresAt", "service", "description"]) {
        await expectShortError(
          await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "x", service: "openai", value: openaiKey(), [field]: s.value } }),
          s,
        );
      }
    });

    it("PUT /api/api-keys/:id: the same for config", async () => {
      const s = { name: bigName(), value: bigValue() };
      await expectShortError(await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { config: { [s.name]: s.value } } }), s);
    });

    it("POST /api/api-keys/test: the same for an unsaved custom key's config", async () => {
      const s = { name: bigName(), value: bigValue() };
      const config = { baseUrl: "https://llm.example.com/v1", [s.name]: s.value };
      await expectShortError(await h.request("POST", "/api/api-keys/test", { cookie: alice.cookie, body: { service: "custom", value: "tok_123", config } }), s);
    });

    it("thousands of unknown fields: at most 10 details", async () => {
      const config = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`unknown_field_number_${i}`, i]));
      const body = await expectShortError(
        await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "x", service: "openai", value: openaiKey(), config } }),
        { name: "unknown_field_number_1999", value: "no value to look for" },
      );
      expect(body.error.details).toHaveLength(10);
    });
  });
});
