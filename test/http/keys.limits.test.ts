/**
 * One account cannot exhaust the server: a per-owner key limit (KEYHAVEN_MAX_KEYS_PER_OWNER,
 * 5 here) that holds under concurrent creates, and a per-user rate limit on key changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { StartupError } from "../../src/platform/errors.js";
import { describeEachDatabase } from "../support/databases.js";
import {
  awayFromWindowEdge,
  createHttpApp,
  expectError,
  jsonOf,
  KEY_NOT_FOUND,
  openaiKey,
  type HttpApp,
  type SignedUpUser,
} from "../support/http-app.js";

const LIMIT = 5;
/** The documented figure (README: rate limits). */
const KEY_WRITES_PER_MINUTE = 120;
const AT_LIMIT = { code: "CONFLICT", message: `You have reached the limit of ${LIMIT} API keys; delete one first` };

describe("KEYHAVEN_MAX_KEYS_PER_OWNER", () => {
  it("defaults to 500 and takes a whole number from 1 to 100000", () => {
    expect(loadConfig({}, "/tmp").maxKeysPerOwner).toBe(500);
    expect(loadConfig({ KEYHAVEN_MAX_KEYS_PER_OWNER: "5" }, "/tmp").maxKeysPerOwner).toBe(5);
    expect(loadConfig({ KEYHAVEN_MAX_KEYS_PER_OWNER: "100000" }, "/tmp").maxKeysPerOwner).toBe(100_000);
  });

  it.each(["0", "-1", "1.5", "many", "100001"])("%j is a configuration error (exit 78) naming the variable", (raw) => {
    let err: unknown;
    try {
      loadConfig({ KEYHAVEN_MAX_KEYS_PER_OWNER: raw }, "/tmp");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StartupError);
    expect(err).toMatchObject({ exitCode: 78, message: `KEYHAVEN_MAX_KEYS_PER_OWNER must be a whole number from 1 to 100000 (got "${raw}")` });
  });
});

describeEachDatabase("key limits", (dialect) => {
  let h: HttpApp;
  const create = (user: SignedUpUser, name: string) =>
    h.request("POST", "/api/api-keys", { cookie: user.cookie, body: { name, service: "openai", value: openaiKey() } });
  const stored = async (user: SignedUpUser) =>
    Number(
      (
        await h.runtime.database.db
          .selectFrom("api_keys")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("owner_id", "=", user.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_MAX_KEYS_PER_OWNER: String(LIMIT) } });
  });
  afterAll(() => h?.close());

  describe("409", () => {
    it("one key over the limit is refused with a clear message; deleting one makes room", async () => {
      const alice = await h.signUp();
      const ids: string[] = [];
      for (let i = 0; i < LIMIT; i++) ids.push((await jsonOf(await create(alice, `key ${i}`), 201)).id);
      await expectError(await create(alice, "one too many"), 409, AT_LIMIT);
      // Inactive keys count too: the limit is on what is stored.
      await jsonOf(await h.request("PUT", `/api/api-keys/${ids[0]}`, { cookie: alice.cookie, body: { isActive: false } }), 200);
      await expectError(await create(alice, "still too many"), 409, AT_LIMIT);
      expect(await stored(alice)).toBe(LIMIT);

      expect((await h.request("DELETE", `/api/api-keys/${ids[1]}`, { cookie: alice.cookie })).status).toBe(204);
      await jsonOf(await create(alice, "fits again"), 201);
      await expectError(await create(alice, "over again"), 409, AT_LIMIT);
    });

    it("the limit is per owner: another user still has room", async () => {
      const [full, other] = [await h.signUp(), await h.signUp()];
      for (let i = 0; i < LIMIT; i++) await jsonOf(await create(full, `key ${i}`), 201);
      await expectError(await create(full, "over"), 409, AT_LIMIT);
      await jsonOf(await create(other, "mine"), 201);
    });

    it("concurrent creates never store more than the limit", async () => {
      const racer = await h.signUp();
      await jsonOf(await create(racer, "already here"), 201);
      // 20 creates at once from one user: on PostgreSQL they run on separate pooled connections.
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(racer, `racing ${i}`)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(LIMIT - 1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(20 - (LIMIT - 1));
      for (const res of answers.filter((r) => r.status === 409)) await expectError(res, 409, AT_LIMIT);
      expect(await stored(racer)).toBe(LIMIT);
    });
  });

  describe("429", () => {
    const windowMs = 60_000;
    const message = (retryAfter: number) =>
      `Too many changes to your keys (at most ${KEY_WRITES_PER_MINUTE} per minute); try again in ${retryAfter} s`;

    it(`creates, updates and deletes share ${KEY_WRITES_PER_MINUTE} a minute per user, then 429 with Retry-After`, async () => {
      const [busy, calm] = [await h.signUp(), await h.signUp()];
      await awayFromWindowEdge(windowMs, 20_000);
      const key = await jsonOf(await create(busy, "mine"), 201);
      await jsonOf(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: busy.cookie, body: { name: "renamed" } }), 200);
      // Deletes of a missing key are cheap and count like any other change.
      for (let i = 2; i < KEY_WRITES_PER_MINUTE; i++) {
        await expectError(await h.request("DELETE", "/api/api-keys/key_missing", { cookie: busy.cookie }), 404, KEY_NOT_FOUND);
      }
      for (const res of [
        await create(busy, "blocked"),
        await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: busy.cookie, body: { name: "blocked" } }),
        await h.request("DELETE", `/api/api-keys/${key.id}`, { cookie: busy.cookie }),
      ]) {
        const retryAfter = Number(res.headers.get("retry-after"));
        expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowMs / 1000, `Retry-After ${retryAfter}`).toBe(true);
        await expectError(res, 429, { code: "RATE_LIMITED", message: message(retryAfter) });
      }
      // Nothing was changed by the refused requests; reads are not limited; other users are not affected.
      const list = await jsonOf(await h.request("GET", "/api/api-keys", { cookie: busy.cookie }), 200);
      expect(list.apiKeys.map((k: { id: string; name: string }) => [k.id, k.name])).toEqual([[key.id, "renamed"]]);
      await jsonOf(await create(calm, "calm"), 201);
    });
  });
});
