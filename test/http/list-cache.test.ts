/**
 * GET /api/api-keys is answered from cached rows, a memoized view and a cached JSON body while
 * nothing changed. These tests hold it to "nothing changed": every write — through the API,
 * the key tester, the library's usage counts, or (SQLite) another connection on the file — is
 * in the very next answer, and so is the clock crossing a key's expiry with no write at all.
 */
import SQLite from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp, type KeyhavenApp } from "../../src/http/app.js";
import { createKeyhaven } from "../../src/index.js";
import { expiryWindow } from "../../src/keys/key-view.js";
import { composeServer, type Runtime } from "../../src/app/compose.js";
import { createTestDatabase, describeEachDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { cookieHeaderFrom, DEFAULT_PASSWORD, ISO_DATE, jsonOf, openaiKey, unique } from "../support/http-app.js";
import { actorFor } from "../support/actors.js";

const HOUR = 3_600_000;

interface Listed {
  id: string;
  name: string;
  service: string;
  isActive: boolean;
  isExpired: boolean;
  expiresAt: string | null;
  usageCount: number;
  lastUsedAt: string | null;
  lastTestedAt: string | null;
  lastTestStatus: string | null;
}

describe("expiryWindow", () => {
  const at = (iso: string) => Date.parse(iso);
  const rows = [
    { expires_at: "2026-01-01T10:00:00.000Z" },
    { expires_at: null },
    { expires_at: "2026-01-01T12:00:00.000Z" },
    { expires_at: "2026-01-01T08:00:00.000Z" },
  ];

  it("is unbounded without expiries", () => {
    expect(expiryWindow([], 0)).toEqual({ from: -Infinity, until: Infinity });
    expect(expiryWindow([{ expires_at: null }], 0)).toEqual({ from: -Infinity, until: Infinity });
  });

  it("runs from the last expiry at or before t up to the next one after it", () => {
    expect(expiryWindow(rows, at("2026-01-01T07:00:00.000Z"))).toEqual({ from: -Infinity, until: at("2026-01-01T08:00:00.000Z") });
    expect(expiryWindow(rows, at("2026-01-01T11:00:00.000Z"))).toEqual({
      from: at("2026-01-01T10:00:00.000Z"),
      until: at("2026-01-01T12:00:00.000Z"),
    });
    expect(expiryWindow(rows, at("2026-01-01T13:00:00.000Z"))).toEqual({ from: at("2026-01-01T12:00:00.000Z"), until: Infinity });
  });

  it("a key expiring exactly at t is already expired at t (isExpired uses <=)", () => {
    const t = at("2026-01-01T10:00:00.000Z");
    expect(expiryWindow(rows, t)).toEqual({ from: t, until: at("2026-01-01T12:00:00.000Z") });
    expect(expiryWindow(rows, t - 1)).toEqual({ from: at("2026-01-01T08:00:00.000Z"), until: t });
  });
});

describeEachDatabase("GET /api/api-keys answers every change at once", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let app: KeyhavenApp;
  let fake: FakeProvider;
  let publicUrl: string;
  /** The server clock: keys' expiry is judged against it. Sessions use the real clock. */
  let t = Date.now();

  async function request(method: string, path: string, opts: { cookie?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { origin: publicUrl };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    return app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  }

  async function signUp(): Promise<{ id: string; cookie: string }> {
    const email = `list-${unique()}@example.com`;
    const res = await request("POST", "/api/auth/sign-up/email", { body: { email, password: DEFAULT_PASSWORD, name: "List" } });
    const body = await jsonOf(res, 200);
    return { id: body.user.id, cookie: cookieHeaderFrom(res) };
  }

  async function list(cookie: string, query = ""): Promise<Listed[]> {
    const res = await request("GET", `/api/api-keys${query}`, { cookie });
    expect(res.headers.get("cache-control")).toBe("no-store");
    return (await jsonOf(res, 200)).apiKeys;
  }

  async function create(cookie: string, body: Record<string, unknown>): Promise<Listed> {
    return jsonOf(await request("POST", "/api/api-keys", { cookie, body: { service: "openai", value: openaiKey(), ...body } }), 201);
  }

  const byId = (keys: Listed[], id: string) => keys.find((k) => k.id === id);

  /** Options that open the same storage as `tdb` from outside the test helpers (the library). */
  function libraryOptions() {
    if (dialect === "sqlite") return { dataDir: tdb.dataDir, masterKey: tdb.masterKey };
    const url = new URL(TEST_DATABASE_URL!);
    url.searchParams.set("options", `-c search_path=${tdb.pgSchema}`);
    return { dataDir: tdb.dataDir, masterKey: tdb.masterKey, databaseUrl: url.toString() };
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    const env = Object.fromEntries(
      Object.entries(fakeBaseUrlOverrides(fake.url)).map(([service, url]) => [`KEYHAVEN_${service.toUpperCase()}_BASE_URL`, url]),
    );
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime(env, { now: () => new Date(t) });
    app = createApp(rt, await composeServer(rt, { keyTester: { timeoutMs: 500 } }));
    publicUrl = rt.config.publicUrl;
  });
  afterAll(async () => {
    await tdb?.drop();
    await fake?.close();
  });
  afterEach(() => vi.unstubAllEnvs());

  it("create, rename, switch off, delete: each in the next list, filtered or not", async () => {
    const alice = await signUp();
    const bob = await signUp();
    expect(await list(alice.cookie)).toEqual([]);

    const a = await create(alice.cookie, { name: "a" });
    expect((await list(alice.cookie)).map((k) => k.id)).toEqual([a.id]);
    expect((await list(alice.cookie, "?service=openai")).map((k) => k.id)).toEqual([a.id]);
    const b = await create(alice.cookie, { name: "b", service: "anthropic", value: `sk-ant-api03-${"x".repeat(40)}` });
    expect((await list(alice.cookie)).map((k) => k.name).sort()).toEqual(["a", "b"]);
    expect((await list(alice.cookie, "?service=anthropic")).map((k) => k.id)).toEqual([b.id]);
    // Another user's list is their own, before and after.
    expect(await list(bob.cookie)).toEqual([]);

    const put = (id: string, body: unknown) => request("PUT", `/api/api-keys/${id}`, { cookie: alice.cookie, body });
    await jsonOf(await put(a.id, { isActive: false }), 200);
    expect(byId(await list(alice.cookie), a.id)).toMatchObject({ name: "a", isActive: false });
    expect(byId(await list(alice.cookie, "?service=openai"), a.id)).toMatchObject({ isActive: false });

    await jsonOf(await put(a.id, { name: "a renamed" }), 200);
    expect(byId(await list(alice.cookie), a.id)).toMatchObject({ name: "a renamed", isActive: false });
    expect(byId(await list(alice.cookie, "?service=openai"), a.id)).toMatchObject({ name: "a renamed" });

    await jsonOf(await put(a.id, { isActive: true }), 200);
    expect(byId(await list(alice.cookie), a.id)?.isActive).toBe(true);

    const del = await request("DELETE", `/api/api-keys/${b.id}`, { cookie: alice.cookie });
    expect(del.status).toBe(204);
    expect((await list(alice.cookie)).map((k) => k.id)).toEqual([a.id]);
    expect(await list(alice.cookie, "?service=anthropic")).toEqual([]);
    expect(await list(bob.cookie)).toEqual([]);
  });

  it("a key test's recorded result is in the next list", async () => {
    const user = await signUp();
    const good = await create(user.cookie, { name: "good", value: fakeKey("openai", "valid") });
    const bad = await create(user.cookie, { name: "bad", value: fakeKey("openai", "invalid") });
    expect((await list(user.cookie)).map((k) => k.lastTestStatus)).toEqual([null, null]);

    const tested = await jsonOf(await request("POST", "/api/api-keys/test", { cookie: user.cookie, body: { keyId: good.id } }), 200);
    expect(tested).toMatchObject({ keyId: good.id, status: "valid", testedAt: expect.stringMatching(ISO_DATE) });
    let keys = await list(user.cookie);
    expect(byId(keys, good.id)).toMatchObject({ lastTestStatus: "valid", lastTestedAt: tested.testedAt });
    expect(byId(keys, bad.id)).toMatchObject({ lastTestStatus: null, lastTestedAt: null });

    const failed = await jsonOf(await request("POST", "/api/api-keys/test", { cookie: user.cookie, body: { keyId: bad.id } }), 200);
    expect(failed).toMatchObject({ keyId: bad.id, status: "invalid" });
    keys = await list(user.cookie);
    expect(byId(keys, bad.id)).toMatchObject({ lastTestStatus: "invalid", lastTestedAt: failed.testedAt });
    expect(byId(keys, good.id)).toMatchObject({ lastTestStatus: "valid" });
  });

  it("isExpired flips when the clock passes expiresAt, with no write in between", async () => {
    const user = await signUp();
    const owner = { type: "user" as const, id: user.id };
    const soon = await create(user.cookie, { name: "soon", expiresAt: new Date(t + HOUR).toISOString() });
    const later = await create(user.cookie, { name: "later", expiresAt: new Date(t + 2 * HOUR).toISOString() });
    const never = await create(user.cookie, { name: "never" });
    const expired = async () =>
      Object.fromEntries((await list(user.cookie)).map((k) => [k.name, k.isExpired])) as Record<string, boolean>;

    const version = rt.database.reader?.dataVersion();
    expect(await expired()).toEqual({ soon: false, later: false, never: false });
    const view = await rt.keys.list(actorFor(owner), owner);
    if (dialect === "sqlite") expect(await rt.keys.list(actorFor(owner), owner)).toBe(view); // memoized while nothing changes

    t = Date.parse(soon.expiresAt!) - 1;
    expect(await expired()).toEqual({ soon: false, later: false, never: false });
    if (dialect === "sqlite") expect(await rt.keys.list(actorFor(owner), owner)).toBe(view); // same window

    t = Date.parse(soon.expiresAt!);
    expect(await expired()).toEqual({ soon: true, later: false, never: false });
    const crossed = await rt.keys.list(actorFor(owner), owner);
    expect(crossed).not.toBe(view);
    expect(crossed.apiKeys.find((k) => k.id === soon.id)?.isExpired).toBe(true);

    t = Date.parse(later.expiresAt!) + HOUR;
    expect(await expired()).toEqual({ soon: true, later: true, never: false });
    expect(byId(await list(user.cookie), never.id)?.isExpired).toBe(false);
    // Nothing was written meanwhile: only the clock moved (the session check writes nothing either).
    if (version !== undefined) expect(rt.database.reader!.dataVersion()).toBe(version);

    // Clearing the expiry is a write: in the next list.
    await jsonOf(await request("PUT", `/api/api-keys/${soon.id}`, { cookie: user.cookie, body: { expiresAt: null } }), 200);
    expect(await expired()).toEqual({ soon: false, later: true, never: false });
  });

  it("uses counted by the library (another instance) and flushed are in the next list", async () => {
    const user = await signUp();
    const value = openaiKey();
    const key = await create(user.cookie, { name: "used", value });
    expect(byId(await list(user.cookie), key.id)).toMatchObject({ usageCount: 0, lastUsedAt: null });

    // The library reads the environment like the server: keep the machine's own out of it.
    for (const name of ["DATABASE_URL", "KEYHAVEN_DATA_DIR", "KEYHAVEN_MASTER_KEY", "OPENAI_API_KEY"]) vi.stubEnv(name, undefined);
    vi.stubEnv("KEYHAVEN_LOG_LEVEL", "silent");
    const keyhaven = await createKeyhaven(libraryOptions());
    try {
      expect(await keyhaven.apiKeyProvider.getOpenAIApiKey(user.id)).toBe(value);
      expect(await keyhaven.apiKeyProvider.getOpenAIApiKey(user.id)).toBe(value);
    } finally {
      await keyhaven.close(); // flushes the counts
    }
    const used = byId(await list(user.cookie), key.id)!;
    expect(used.usageCount).toBe(2);
    expect(used.lastUsedAt).toMatch(ISO_DATE);

    const again = await createKeyhaven(libraryOptions());
    try {
      await again.apiKeyProvider.getOpenAIApiKey(user.id);
    } finally {
      await again.close();
    }
    expect(byId(await list(user.cookie), key.id)?.usageCount).toBe(3);
  });

  if (dialect === "sqlite") {
    it("a change written by another connection on the SQLite file is in the next list", async () => {
      const user = await signUp();
      const a = await create(user.cookie, { name: "outside-a" });
      const b = await create(user.cookie, { name: "outside-b" });
      expect((await list(user.cookie)).map((k) => k.name).sort()).toEqual(["outside-a", "outside-b"]);
      expect((await list(user.cookie)).map((k) => k.name).sort()).toEqual(["outside-a", "outside-b"]);

      const other = new SQLite(rt.database.location);
      try {
        other.pragma("busy_timeout = 5000");
        expect(other.prepare("update api_keys set name = ?, is_active = 0 where id = ?").run("renamed outside", a.id).changes).toBe(1);
        expect(byId(await list(user.cookie), a.id)).toMatchObject({ name: "renamed outside", isActive: false });
        expect(byId(await list(user.cookie, "?service=openai"), a.id)).toMatchObject({ name: "renamed outside" });

        expect(other.prepare("update api_keys set usage_count = usage_count + 5 where id = ?").run(b.id).changes).toBe(1);
        expect(byId(await list(user.cookie), b.id)?.usageCount).toBe(5);

        expect(other.prepare("delete from api_keys where id = ?").run(b.id).changes).toBe(1);
        expect((await list(user.cookie)).map((k) => k.id)).toEqual([a.id]);
      } finally {
        other.close();
      }
    });
  }
});
