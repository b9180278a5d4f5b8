/** DELETE /api/api-keys/:id — one describe per status the route can answer, whole bodies asserted. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import {
  createHttpApp,
  expectError,
  jsonOf,
  KEY_NOT_FOUND,
  openaiKey,
  UNAUTHORIZED,
  unique,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";

describeEachDatabase("DELETE /api/api-keys/:id", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;

  const del = (id: string, cookie?: string, origin?: string | null) => h.request("DELETE", `/api/api-keys/${id}`, { cookie, origin });
  const status = async (id: string, user = alice) => (await h.request("GET", `/api/api-keys/${id}`, { cookie: user.cookie })).status;
  /** Every test deletes (or fails to delete) a key of its own, so none relies on another's leftovers. */
  const newKey = async (name = `to delete ${unique()}`, user = alice): Promise<{ id: string }> =>
    h.createKey(user, { name, service: "openai", value: openaiKey() });

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    [alice, bob] = [await h.signUp(), await h.signUp()];
  });
  afterAll(() => h?.close());

  describe("401", () => {
    it("without a session", async () => {
      const key = await newKey();
      await expectError(await del(key.id), 401, UNAUTHORIZED);
      expect(await status(key.id)).toBe(200);
    });
  });

  describe("403", () => {
    it("a cookie request from another origin deletes nothing", async () => {
      const key = await newKey();
      await expectError(await del(key.id, alice.cookie, "https://evil.example"), 403, {
        code: "FORBIDDEN",
        message: "Origin https://evil.example is not allowed",
      });
      await expectError(await del(key.id, alice.cookie, null), 403, { code: "FORBIDDEN", message: "Missing Origin header on a cookie request" });
      expect(await status(key.id)).toBe(200);
    });
  });

  describe("404", () => {
    it("a missing id", async () => {
      await expectError(await del("key_doesnotexist0000000", alice.cookie), 404, KEY_NOT_FOUND);
    });

    it("another user's key, same body as missing, and it stays", async () => {
      const key = await newKey();
      await expectError(await del(key.id, bob.cookie), 404, KEY_NOT_FOUND);
      expect(await status(key.id)).toBe(200);
    });
  });

  describe("204", () => {
    it("deletes the key: empty body, then 404 everywhere", async () => {
      // A user of its own, so the list holds exactly this test's two keys.
      const carol = await h.signUp();
      const key = await newKey("to delete", carol);
      const other = await newKey("to keep", carol);
      const res = await del(key.id, carol.cookie);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
      expect(res.headers.get("cache-control")).toBe("no-store");

      await expectError(await h.request("GET", `/api/api-keys/${key.id}`, { cookie: carol.cookie }), 404, KEY_NOT_FOUND);
      await expectError(await h.request("GET", `/api/api-keys/${key.id}?includeValue=true`, { cookie: carol.cookie }), 404, KEY_NOT_FOUND);
      await expectError(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: carol.cookie, body: { name: "x" } }), 404, KEY_NOT_FOUND);
      const list = await jsonOf(await h.request("GET", "/api/api-keys", { cookie: carol.cookie }), 200);
      expect(list.apiKeys.map((k: { id: string }) => k.id)).toEqual([other.id]);
      expect(await status(other.id, carol)).toBe(200);
    });

    it("a second delete is a 404", async () => {
      const key = await newKey();
      expect((await del(key.id, alice.cookie)).status).toBe(204);
      await expectError(await del(key.id, alice.cookie), 404, KEY_NOT_FOUND);
    });

    it("the row is gone from storage", async () => {
      const key = await newKey();
      const rows = () => h.runtime.database.db.selectFrom("api_keys").select("id").where("id", "=", key.id).execute();
      expect(await rows()).toEqual([{ id: key.id }]);
      expect((await del(key.id, alice.cookie)).status).toBe(204);
      expect(await rows()).toEqual([]);
    });
  });
});
