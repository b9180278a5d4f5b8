/**
 * Versions, rollback, the rotation period and the manual rotation, over HTTP on both databases:
 * GET /api/api-keys/:id/versions, POST /api/api-keys/:id/rollback, PUT { rotation },
 * POST /api/api-keys/:id/rotate { value } against the fake provider. One describe per status;
 * then the promises tried directly: old values stay bound (a version row copied to another key
 * or renumbered does not open, and nothing changes), the hand-out is always the current value,
 * and no secret reaches an audit row or an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, expectError, ISO_DATE, jsonOf, KEY_NOT_FOUND, UNAUTHORIZED, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";

const DAY_MS = 86_400_000;
/** A key the fake provider accepts (it contains "valid"), unique to this run. */
const validKey = () => `sk-proj-valid-${unique()}0123456789`;
/** A key the fake provider rejects with 401. */
const invalidKey = () => `sk-proj-invalid-${unique()}0123456789`;
const mask = (v: string) => `sk-…${v.slice(-4)}`;

describeEachDatabase("key versions, rollback and rotation", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;

  const as = (user: SignedUpUser) => ({
    get: (path: string) => h.request("GET", path, { cookie: user.cookie }),
    put: (path: string, body: unknown) => h.request("PUT", path, { cookie: user.cookie, body }),
    post: (path: string, body: unknown) => h.request("POST", path, { cookie: user.cookie, body }),
  });
  const reveal = async (user: SignedUpUser, id: string) => (await jsonOf(await as(user).get(`/api/api-keys/${id}?includeValue=true`), 200)).value as string;
  const versions = async (user: SignedUpUser, id: string) => (await jsonOf(await as(user).get(`/api/api-keys/${id}/versions`), 200)).versions as any[];
  const handOut = async (user: SignedUpUser) => (await h.runtime.keys.findUsableKey(LIBRARY_ACTOR, { type: "user", id: user.id }, "openai"))?.value;
  async function newKey(user: SignedUpUser, value = validKey()) {
    const key = await h.createKey(user, { name: `k ${unique()}`, service: "openai", value });
    return { id: key.id as string, value, key };
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp(dialect, { env: { KEYHAVEN_OPENAI_BASE_URL: fakeBaseUrlOverrides(fake.url).openai } });
    [alice, bob] = [await h.signUp(), await h.signUp()];
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  describe("200", () => {
    it("a new value through PUT keeps the old one as a version; the list shows masks only, newest first", async () => {
      const { id, value: v1 } = await newKey(alice);
      const v2 = validKey();
      await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { value: v2 }), 200);
      const res = await as(alice).get(`/api/api-keys/${id}/versions`);
      const text = await res.clone().text();
      expect(text).not.toContain(v1);
      expect(text).not.toContain(v2);
      expect((await jsonOf(res, 200)).versions).toEqual([
        { version: 2, maskedValue: mask(v2), createdAt: expect.stringMatching(ISO_DATE), createdBy: alice.name, current: true },
        { version: 1, maskedValue: mask(v1), createdAt: expect.stringMatching(ISO_DATE), createdBy: alice.name, current: false },
      ]);
    });

    it("a config-only change keeps no version (the value did not change)", async () => {
      const { id } = await newKey(alice);
      await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { name: `renamed ${unique()}` }), 200);
      expect(await versions(alice, id)).toHaveLength(1);
    });

    it("keeps the last 10 values: the current one and 9 before it", async () => {
      const { id } = await newKey(alice);
      const values = [];
      for (let i = 0; i < 12; i++) {
        values.push(validKey());
        await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { value: values[i] }), 200);
      }
      const list = await versions(alice, id);
      expect(list.map((v) => v.version)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
      expect(list[0]).toMatchObject({ current: true, maskedValue: mask(values[11]) });
      const stored = await h.runtime.database.db.selectFrom("api_key_versions").select("version").where("key_id", "=", id).execute();
      expect(stored).toHaveLength(9);
    });

    it("rollback makes an old value current as a new version, keeps the replaced one, and the hand-out follows", async () => {
      const user = await h.signUp();
      const { id, value: v1 } = await newKey(user);
      const v2 = validKey();
      await jsonOf(await as(user).put(`/api/api-keys/${id}`, { value: v2 }), 200);
      expect(await handOut(user)).toBe(v2);

      const key = await jsonOf(await as(user).post(`/api/api-keys/${id}/rollback`, { version: 1 }), 200);
      expect(key).toMatchObject({ id, maskedValue: mask(v1), rotation: { everyDays: null, dueAt: null, lastRotatedAt: expect.stringMatching(ISO_DATE) } });
      expect(await reveal(user, id)).toBe(v1);
      expect(await handOut(user)).toBe(v1);
      expect((await versions(user, id)).map((v) => [v.version, v.maskedValue, v.current])).toEqual([
        [3, mask(v1), true],
        [2, mask(v2), false],
        [1, mask(v1), false],
      ]);
    });

    it("the rotation period sets a due date from when the value was set; null clears it", async () => {
      const { id, key } = await newKey(alice);
      const set = await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { rotation: { everyDays: 30 } }), 200);
      expect(set.rotation).toEqual({ everyDays: 30, dueAt: new Date(Date.parse(key.createdAt) + 30 * DAY_MS).toISOString(), lastRotatedAt: null });
      const cleared = await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { rotation: { everyDays: null } }), 200);
      expect(cleared.rotation).toEqual({ everyDays: null, dueAt: null, lastRotatedAt: null });
    });

    it("rotate { value }: tested with the provider, then current; the old value kept; the due date starts again", async () => {
      const user = await h.signUp();
      const { id, value: v1 } = await newKey(user);
      await jsonOf(await as(user).put(`/api/api-keys/${id}`, { rotation: { everyDays: 90 } }), 200);
      const next = validKey();
      const before = fake.requests.length;
      const key = await jsonOf(await as(user).post(`/api/api-keys/${id}/rotate`, { value: next }), 200);
      expect(fake.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${next}`]);
      const rotatedAt = key.rotation.lastRotatedAt as string;
      expect(key).toMatchObject({ maskedValue: mask(next), lastTestStatus: "valid", lastTestedAt: expect.stringMatching(ISO_DATE) });
      expect(key.rotation).toEqual({ everyDays: 90, dueAt: new Date(Date.parse(rotatedAt) + 90 * DAY_MS).toISOString(), lastRotatedAt: rotatedAt });
      expect(await reveal(user, id)).toBe(next);
      expect(await handOut(user)).toBe(next);
      expect((await versions(user, id)).map((v) => [v.version, v.maskedValue, v.current])).toEqual([
        [2, mask(next), true],
        [1, mask(v1), false],
      ]);
    });
  });

  describe("400", () => {
    it("a rotation whose new value tests invalid changes nothing, and says what the provider said", async () => {
      const { id, value } = await newKey(alice);
      const before = await jsonOf(await as(alice).get(`/api/api-keys/${id}`), 200);
      const bad = invalidKey();
      const text = await expectError(await as(alice).post(`/api/api-keys/${id}/rotate`, { value: bad }), 400, {
        code: "VALIDATION_ERROR",
        message: /^The new key was not accepted: The provider rejected the key \(HTTP 401\).*Nothing was changed\.$/,
      });
      expect(text).not.toContain(bad);
      expect(await jsonOf(await as(alice).get(`/api/api-keys/${id}`), 200)).toEqual(before);
      expect(await reveal(alice, id)).toBe(value);
      expect(await versions(alice, id)).toHaveLength(1);
    });

    it("a new value of the wrong format is INVALID_KEY_FORMAT, and nothing is sent", async () => {
      const { id } = await newKey(alice);
      const before = fake.requests.length;
      const res = await as(alice).post(`/api/api-keys/${id}/rotate`, { value: "not-a-key" });
      expect((await jsonOf(res, 400)).error.code).toBe("INVALID_KEY_FORMAT");
      expect(fake.requests.length).toBe(before);
    });

    it("automatic rotation of a service whose provider has no key-creation API says to use the rotate dialog", async () => {
      const { id } = await newKey(alice);
      await expectError(await as(alice).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 400, {
        code: "VALIDATION_ERROR",
        message: /^OpenAI keys cannot be rotated automatically: the provider offers no API to create keys\. .*rotate dialog/,
        details: [{ path: "automatic", message: "not available for openai" }],
      });
    });

    for (const body of [{}, { value: validKey(), automatic: true }, { automatic: false }]) {
      it(`rotate ${JSON.stringify(body).slice(0, 40)} is refused, and nothing is sent`, async () => {
        const { id } = await newKey(alice);
        const before = fake.requests.length;
        const err = (await jsonOf(await as(alice).post(`/api/api-keys/${id}/rotate`, body), 400)).error;
        expect(err.code).toBe("VALIDATION_ERROR");
        expect(fake.requests.length).toBe(before);
        expect(await versions(alice, id)).toHaveLength(1);
      });
    }

    for (const everyDays of [0, 3651, 1.5, "30", -1]) {
      it(`a rotation period of ${JSON.stringify(everyDays)} is refused with the range`, async () => {
        const { id } = await newKey(alice);
        await expectError(await as(alice).put(`/api/api-keys/${id}`, { rotation: { everyDays } }), 400, {
          code: "VALIDATION_ERROR",
          message: "Invalid request: rotation.everyDays must be a whole number of days from 1 to 3650, or null for no period",
          details: [{ path: "rotation.everyDays", message: "must be a whole number of days from 1 to 3650, or null for no period" }],
        });
      });
    }

    for (const body of [{}, { version: 0 }, { version: "1" }, { version: 1.5 }, { version: 1, extra: true }]) {
      it(`rollback ${JSON.stringify(body)} is refused`, async () => {
        const { id } = await newKey(alice);
        expect((await jsonOf(await as(alice).post(`/api/api-keys/${id}/rollback`, body), 400)).error.code).toBe("VALIDATION_ERROR");
      });
    }
  });

  describe("401", () => {
    it("without a session", async () => {
      const { id } = await newKey(alice);
      await expectError(await h.request("GET", `/api/api-keys/${id}/versions`), 401, UNAUTHORIZED);
      await expectError(await h.request("POST", `/api/api-keys/${id}/rollback`, { body: { version: 1 } }), 401, UNAUTHORIZED);
      await expectError(await h.request("POST", `/api/api-keys/${id}/rotate`, { body: { value: validKey() } }), 401, UNAUTHORIZED);
    });
  });

  describe("404", () => {
    it("another user's key: versions, rollback and rotate answer as for a key that does not exist, and change nothing", async () => {
      const { id, value } = await newKey(alice);
      await jsonOf(await as(alice).put(`/api/api-keys/${id}`, { value: validKey() }), 200);
      await expectError(await as(bob).get(`/api/api-keys/${id}/versions`), 404, KEY_NOT_FOUND);
      await expectError(await as(bob).post(`/api/api-keys/${id}/rollback`, { version: 1 }), 404, KEY_NOT_FOUND);
      await expectError(await as(bob).post(`/api/api-keys/${id}/rotate`, { value: validKey() }), 404, KEY_NOT_FOUND);
      await expectError(await as(bob).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 404, KEY_NOT_FOUND);
      expect((await versions(alice, id)).map((v) => v.version)).toEqual([2, 1]);
      expect(await reveal(alice, id)).not.toBe(value);
    });

    it("a version that does not exist, or that only another key has", async () => {
      const a = await newKey(alice);
      const b = await newKey(alice);
      for (let i = 0; i < 3; i++) await jsonOf(await as(alice).put(`/api/api-keys/${b.id}`, { value: validKey() }), 200);
      // b has versions 1–3 stored; a has only its current version 1.
      const notFound = { code: "NOT_FOUND", message: "Version 3 of this key not found" };
      await expectError(await as(alice).post(`/api/api-keys/${a.id}/rollback`, { version: 3 }), 404, notFound);
      await expectError(await as(alice).post(`/api/api-keys/${b.id}/rollback`, { version: 99 }), 404, { code: "NOT_FOUND", message: "Version 99 of this key not found" });
      await expectError(await as(alice).post(`/api/api-keys/key_doesnotexist0000000/rollback`, { version: 1 }), 404, KEY_NOT_FOUND);
      expect(await reveal(alice, a.id)).toBe(a.value);
    });
  });

  describe("409", () => {
    it("rolling back to the current version", async () => {
      const { id } = await newKey(alice);
      await expectError(await as(alice).post(`/api/api-keys/${id}/rollback`, { version: 1 }), 409, {
        code: "CONFLICT",
        message: "Version 1 is already the key's value",
      });
    });
  });

  describe("tampered version rows", () => {
    const GENERIC_500 = { code: "INTERNAL", message: "Internal server error" };

    async function keyWithHistory(user: SignedUpUser) {
      const k = await newKey(user);
      const v2 = validKey();
      await jsonOf(await as(user).put(`/api/api-keys/${k.id}`, { value: v2 }), 200);
      return { ...k, current: v2 };
    }

    async function expectUnchanged(user: SignedUpUser, id: string, current: string, versionNumbers: number[]) {
      expect(await reveal(user, id)).toBe(current);
      expect((await versions(user, id)).map((v) => v.version)).toEqual(versionNumbers);
    }

    it("a version's ciphertext copied to another key does not open: rollback fails, nothing changes", async () => {
      const user = await h.signUp();
      const source = await keyWithHistory(user);
      const target = await keyWithHistory(user);
      const db = h.runtime.database.db;
      const stolen = await db.selectFrom("api_key_versions").selectAll().where("key_id", "=", source.id).executeTakeFirstOrThrow();
      await db
        .updateTable("api_key_versions")
        .set({ encrypted_value: stolen.encrypted_value, data_key_id: stolen.data_key_id, config: stolen.config })
        .where("key_id", "=", target.id)
        .where("version", "=", 1)
        .execute();
      const text = await expectError(await as(user).post(`/api/api-keys/${target.id}/rollback`, { version: 1 }), 500, GENERIC_500);
      expect(text).not.toContain(source.value);
      await expectUnchanged(user, target.id, target.current, [2, 1]);
    });

    it("a version row renumbered does not open: rollback fails, nothing changes", async () => {
      const user = await h.signUp();
      const k = await keyWithHistory(user);
      await jsonOf(await as(user).put(`/api/api-keys/${k.id}`, { value: validKey() }), 200);
      const current = await reveal(user, k.id);
      const db = h.runtime.database.db;
      // Version 1 moved to a free number.
      await db.updateTable("api_key_versions").set({ version: 7 }).where("key_id", "=", k.id).where("version", "=", 1).execute();
      await expectError(await as(user).post(`/api/api-keys/${k.id}/rollback`, { version: 7 }), 500, GENERIC_500);
      await expectUnchanged(user, k.id, current, [3, 7, 2]);
      // The untouched version 2 still rolls back.
      expect((await jsonOf(await as(user).post(`/api/api-keys/${k.id}/rollback`, { version: 2 }), 200)).maskedValue).toBe(mask(k.current));
    });

    it("a version's config edited (its binding) does not open", async () => {
      const user = await h.signUp();
      const k = await keyWithHistory(user);
      await h.runtime.database.db
        .updateTable("api_key_versions")
        .set({ config: JSON.stringify({ baseUrl: "https://evil.example" }) })
        .where("key_id", "=", k.id)
        .execute();
      await expectError(await as(user).post(`/api/api-keys/${k.id}/rollback`, { version: 1 }), 500, GENERIC_500);
      await expectUnchanged(user, k.id, k.current, [2, 1]);
    });
  });

  it("no value, old or new, reaches an audit row; rotate and rollback are recorded", async () => {
    const user = await h.signUp();
    const { id, value: v1 } = await newKey(user);
    const v2 = validKey();
    const v3 = validKey();
    const refused = invalidKey();
    await jsonOf(await as(user).put(`/api/api-keys/${id}`, { value: v2 }), 200);
    await jsonOf(await as(user).post(`/api/api-keys/${id}/rotate`, { value: v3 }), 200);
    await jsonOf(await as(user).post(`/api/api-keys/${id}/rotate`, { value: refused }), 400);
    await jsonOf(await as(user).post(`/api/api-keys/${id}/rollback`, { version: 1 }), 200);
    const rows = await h.runtime.database.db.selectFrom("audit_events").selectAll().where("target_id", "=", id).orderBy("seq").execute();
    expect(rows.map((r) => r.action)).toEqual(["key.create", "key.update", "key.rotate", "key.rollback"]);
    expect(JSON.parse(rows[2].details)).toEqual({ automatic: false, test: "valid", version: 3, previousVersion: 2 });
    expect(JSON.parse(rows[3].details)).toEqual({ rolledBackTo: 1, version: 4, previousVersion: 3 });
    const all = JSON.stringify(rows);
    for (const secret of [v1, v2, v3, refused]) expect(all).not.toContain(secret.slice(8));
  });
});
