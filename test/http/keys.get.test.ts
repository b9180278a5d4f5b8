/** GET /api/api-keys/:id — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  apiKeyBody,
  createHttpApp,
  expectError,
  jsonOf,
  KEY_NOT_FOUND,
  openaiKey,
  openaiMask,
  UNAUTHORIZED,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";

const AWS_VALUE = {
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEKnownSessionTokenForTests0123456789",
};

describeEachDatabase("GET /api/api-keys/:id", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const value = openaiKey();
  let key: Record<string, unknown> & { id: string };
  let awsKey: Record<string, unknown> & { id: string };

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    [alice, bob] = [await h.signUp(), await h.signUp()];
    key = await h.createKey(alice, { name: "reveal me", service: "openai", value });
    awsKey = await h.createKey(alice, { name: "aws temp", service: "aws", value: AWS_VALUE, config: { region: "eu-central-1" } });
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("the key without its value", async () => {
      const res = await h.request("GET", `/api/api-keys/${key.id}`, { cookie: alice.cookie });
      const body = await jsonOf(res, 200);
      // One key's answer also carries its gateway limits (none here); the list's leaves them out.
      expect(body).toEqual({ ...apiKeyBody({ ...key, name: "reveal me", maskedValue: openaiMask(value) }), limits: null });
      expect(body).not.toHaveProperty("value");
      expect(JSON.stringify(body)).not.toContain(value.slice(8));
    });

    it("?includeValue=false is the same as without", async () => {
      const body = await jsonOf(await h.request("GET", `/api/api-keys/${key.id}?includeValue=false`, { cookie: alice.cookie }), 200);
      expect(body).toEqual({ ...key, limits: null });
    });

    it("?includeValue=true adds the value, with Cache-Control: no-store", async () => {
      const res = await h.request("GET", `/api/api-keys/${key.id}?includeValue=true`, { cookie: alice.cookie });
      const body = await jsonOf(res, 200);
      expect(body).toEqual({ ...key, value, limits: null });
      expect(res.headers.get("cache-control")).toBe("no-store");
    });

    it("?includeValue=true for aws gives the credentials object; the region stays in config", async () => {
      const body = await jsonOf(await h.request("GET", `/api/api-keys/${awsKey.id}?includeValue=true`, { cookie: alice.cookie }), 200);
      expect(body).toEqual(
        { ...apiKeyBody({ ...awsKey, name: "aws temp", service: "aws", maskedValue: "ASIA…MPLE", config: { region: "eu-central-1" }, value: AWS_VALUE }), limits: null },
      );
    });
  });

  describe("400", () => {
    it("includeValue other than true/false", async () => {
      await expectError(await h.request("GET", `/api/api-keys/${key.id}?includeValue=yes`, { cookie: alice.cookie }), 400, {
        code: "VALIDATION_ERROR",
        message: "Invalid request: query.includeValue must be true or false",
        details: [{ path: "query.includeValue", message: "must be true or false" }],
      });
    });
  });

  describe("404", () => {
    let missingBody: string;

    it("a missing id", async () => {
      missingBody = await expectError(await h.request("GET", "/api/api-keys/key_doesnotexist0000000", { cookie: alice.cookie }), 404, KEY_NOT_FOUND);
      await expectError(
        await h.request("GET", "/api/api-keys/key_doesnotexist0000000?includeValue=true", { cookie: alice.cookie }),
        404,
        KEY_NOT_FOUND,
      );
    });

    it("another user's key answers exactly like a missing one, with or without includeValue", async () => {
      for (const suffix of ["", "?includeValue=true", "?includeValue=false"]) {
        const res = await h.request("GET", `/api/api-keys/${key.id}${suffix}`, { cookie: bob.cookie });
        const text = await expectError(res, 404, KEY_NOT_FOUND);
        expect(text).toBe(missingBody);
        expect(text).not.toContain(key.id);
        expect(text).not.toContain(value);
      }
    });
  });

  describe("401", () => {
    it("without a session, with or without includeValue", async () => {
      await expectError(await h.request("GET", `/api/api-keys/${key.id}`), 401, UNAUTHORIZED);
      await expectError(await h.request("GET", `/api/api-keys/${key.id}?includeValue=true`), 401, UNAUTHORIZED);
    });
  });
});
