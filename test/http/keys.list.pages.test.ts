/**
 * GET /api/api-keys a page at a time: `limit` (default 100, at most 500) and an opaque keyset
 * `cursor`; `nextCursor` is null on the last page. Keys are seeded through the key service
 * (the route's own rules), which is faster than hundreds of requests and not rate limited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OwnerRef } from "../../src/access/owner.js";
import { describeEachDatabase } from "../support/databases.js";
import { anthropicKey, createHttpApp, expectError, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { actorFor } from "../support/actors.js";

interface Page {
  apiKeys: { id: string; name: string; service: string }[];
  nextCursor: string | null;
}

const BAD_CURSOR = {
  code: "VALIDATION_ERROR",
  message: "Invalid request: query.cursor is not a cursor of this list; start again without it",
  details: [{ path: "query.cursor", message: "is not a cursor of this list; start again without it" }],
};
const BAD_LIMIT = {
  code: "VALIDATION_ERROR",
  message: "Invalid request: query.limit must be a whole number from 1 to 500",
  details: [{ path: "query.limit", message: "must be a whole number from 1 to 500" }],
};

const VALUES: Record<string, () => string> = {
  openai: openaiKey,
  anthropic: anthropicKey,
  groq: () => `gsk_${"g".repeat(40)}`,
  xai: () => `xai-${"x".repeat(40)}`,
};

describeEachDatabase("GET /api/api-keys pages", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const owner = (u: SignedUpUser): OwnerRef => ({ type: "user", id: u.id });
  const seed = (u: SignedUpUser, service: string, name: string) => h.runtime.keys.create(actorFor(owner(u)), owner(u), { name, service: service as "openai", value: VALUES[service]() });
  const get = async (u: SignedUpUser, query = ""): Promise<Page> => jsonOf(await h.request("GET", `/api/api-keys${query}`, { cookie: u.cookie }), 200);
  const ids = (p: Page) => p.apiKeys.map((k) => k.id);

  /** Every page from the first, with `between` run after each page; the pages as read. */
  async function walk(u: SignedUpUser, query: string, between: (n: number) => Promise<void> = async () => {}): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? "&" : "?";
      const page = await get(u, cursor ? `${query}${sep}cursor=${encodeURIComponent(cursor)}` : query);
      pages.push(page);
      cursor = page.nextCursor;
      if (cursor) await between(pages.length);
    } while (cursor && pages.length < 1000);
    return pages;
  }

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    [alice, bob] = [await h.signUp(), await h.signUp()];
    // 3 services, several keys each; some created within the same millisecond (ties broken by id).
    for (let i = 0; i < 4; i++) await seed(alice, "openai", `openai ${i}`);
    for (let i = 0; i < 3; i++) await seed(alice, "anthropic", `anthropic ${i}`);
    for (let i = 0; i < 2; i++) await seed(alice, "groq", `groq ${i}`);
    await seed(bob, "openai", "bob's only");
  });
  afterAll(() => h?.close());

  describe("200", () => {
    it("walking pages of 2 returns every key exactly once, in the list order", async () => {
      const all = await get(alice, "?limit=500");
      expect(all.apiKeys).toHaveLength(9);
      expect(all.nextCursor).toBeNull();
      expect([...new Set(all.apiKeys.map((k) => k.service))]).toEqual(["anthropic", "groq", "openai"]);

      const pages = await walk(alice, "?limit=2");
      expect(pages.map((p) => p.apiKeys.length)).toEqual([2, 2, 2, 2, 1]);
      expect(pages.flatMap(ids)).toEqual(ids(all));
      expect(pages.at(-1)!.nextCursor).toBeNull();
      for (const p of pages.slice(0, -1)) expect(p.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it("a page that ends exactly at the last key has no next page", async () => {
      const pages = await walk(alice, "?limit=3");
      expect(pages.map((p) => p.apiKeys.length)).toEqual([3, 3, 3]);
      expect(pages.at(-1)!.nextCursor).toBeNull();
    });

    it("keys created and deleted between pages: no key twice, none of the others lost, order kept", async () => {
      const carol = await h.signUp();
      for (let i = 0; i < 3; i++) await seed(carol, "anthropic", `a${i}`);
      for (let i = 0; i < 3; i++) await seed(carol, "openai", `o${i}`);
      const before = ids(await get(carol));
      const added: Record<string, string> = {};
      let deleted = "";

      const pages = await walk(carol, "?limit=2", async (n) => {
        if (n !== 1) return;
        // After the first page: one key sorts before the cursor (anthropic, newest first) and
        // one after it (xai); the key the cursor points at is deleted.
        added.before = (await seed(carol, "anthropic", "new anthropic")).id;
        added.after = (await seed(carol, "xai", "new xai")).id;
        deleted = before[1];
        expect((await h.request("DELETE", `/api/api-keys/${deleted}`, { cookie: carol.cookie })).status).toBe(204);
      });
      const seen = pages.flatMap(ids);
      expect(new Set(seen).size).toBe(seen.length);
      // Every key that existed throughout is there once, in the original order.
      expect(seen.filter((id) => before.includes(id))).toEqual(before);
      expect(seen).toContain(added.after);
      expect(seen).not.toContain(added.before);
      // And the walk is the current list minus what sorted before the cursor when it was added.
      const now = ids(await get(carol));
      expect(seen.filter((id) => id !== deleted)).toEqual(now.filter((id) => id !== added.before));
    });

    it("?service= pages within that service only", async () => {
      const pages = await walk(alice, "?service=openai&limit=3");
      expect(pages.map((p) => p.apiKeys.length)).toEqual([3, 1]);
      const keys = pages.flatMap((p) => p.apiKeys);
      expect(keys.every((k) => k.service === "openai")).toBe(true);
      expect(keys.map((k) => k.id)).toEqual(ids(await get(alice, "?service=openai")));
    });

    it("limit: default 100, at most 500, at least 1", async () => {
      const dave = await h.signUp();
      for (let i = 0; i < 101; i++) await seed(dave, "openai", `k${String(i).padStart(3, "0")}`);
      const first = await get(dave);
      expect(first.apiKeys).toHaveLength(100);
      expect(first.nextCursor).not.toBeNull();
      const second = await get(dave, `?cursor=${first.nextCursor}`);
      expect(second).toEqual({ apiKeys: [expect.objectContaining({ service: "openai" })], nextCursor: null });
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(101);

      expect(await get(dave, "?limit=500")).toMatchObject({ nextCursor: null });
      expect((await get(dave, "?limit=500")).apiKeys).toHaveLength(101);
      const one = await get(dave, "?limit=1");
      expect(one.apiKeys).toHaveLength(1);
      expect(one.nextCursor).not.toBeNull();
    });

    it("a later page is never served stale: a change is in the very next read of it", async () => {
      const first = await get(alice, "?limit=4");
      const second = await get(alice, `?limit=4&cursor=${first.nextCursor}`);
      expect(await get(alice, `?limit=4&cursor=${first.nextCursor}`)).toEqual(second);
      const target = second.apiKeys[1];
      await jsonOf(await h.request("PUT", `/api/api-keys/${target.id}`, { cookie: alice.cookie, body: { description: "changed" } }), 200);
      const again = await get(alice, `?limit=4&cursor=${first.nextCursor}`);
      expect(again.apiKeys.find((k) => k.id === target.id)).toMatchObject({ description: "changed" });
    });

    it("another user's keys never appear, on any page", async () => {
      const pages = await walk(bob, "?limit=1");
      expect(pages.flatMap((p) => p.apiKeys.map((k) => k.name))).toEqual(["bob's only"]);
      expect(pages.at(-1)!.nextCursor).toBeNull();
    });
  });

  describe("400", () => {
    it.each(["0", "501", "-1", "abc", "1.5", "", "1e2", "0x10", "1000000"])("limit=%j", async (limit) => {
      await expectError(await h.request("GET", `/api/api-keys?limit=${encodeURIComponent(limit)}`, { cookie: alice.cookie }), 400, BAD_LIMIT);
    });

    it("a malformed cursor", async () => {
      const bogus = [
        "not a cursor!",
        "abc",
        Buffer.from("[1,2,3]").toString("base64url"),
        Buffer.from(JSON.stringify([1, `user:${alice.id}`, "", "openai", "yesterday", "key_x"])).toString("base64url"),
        Buffer.from(JSON.stringify({ service: "openai" })).toString("base64url"),
      ];
      for (const cursor of bogus) {
        await expectError(await h.request("GET", `/api/api-keys?cursor=${encodeURIComponent(cursor)}`, { cookie: alice.cookie }), 400, BAD_CURSOR);
      }
      await expectError(await h.request("GET", "/api/api-keys?cursor=", { cookie: alice.cookie }), 400, BAD_CURSOR);
    });

    it("a 10 KB cursor: the same short answer, nothing echoed", async () => {
      const huge = "A".repeat(10_000);
      const text = await expectError(await h.request("GET", `/api/api-keys?cursor=${huge}`, { cookie: alice.cookie }), 400, BAD_CURSOR);
      expect(text.length).toBeLessThan(400);
    });

    it("another user's cursor, or one made for another service filter", async () => {
      const alicePage = await get(alice, "?limit=1");
      await expectError(await h.request("GET", `/api/api-keys?cursor=${alicePage.nextCursor}`, { cookie: bob.cookie }), 400, BAD_CURSOR);

      const openaiPage = await get(alice, "?service=openai&limit=1");
      await expectError(await h.request("GET", `/api/api-keys?cursor=${openaiPage.nextCursor}`, { cookie: alice.cookie }), 400, BAD_CURSOR);
      await expectError(
        await h.request("GET", `/api/api-keys?service=groq&cursor=${openaiPage.nextCursor}`, { cookie: alice.cookie }),
        400,
        BAD_CURSOR,
      );
      await expectError(await h.request("GET", `/api/api-keys?service=openai&cursor=${alicePage.nextCursor}`, { cookie: alice.cookie }), 400, BAD_CURSOR);
      // The right list takes it.
      expect((await get(alice, `?service=openai&limit=1&cursor=${openaiPage.nextCursor}`)).apiKeys).toHaveLength(1);
    });
  });
});
