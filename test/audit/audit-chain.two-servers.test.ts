/**
 * One audit chain from two real server processes (`node bin/keyhaven.mjs serve`) writing at
 * once to one database — the same PostgreSQL schema, or the same SQLite file — as two replicas
 * behind a balancer. Both are hammered at the same moment with event-producing requests (key
 * creates, reveals, updates, failed sign-ins); afterwards every request has exactly one event,
 * the sequence runs 1…N with no gap or duplicate, and `keyhaven audit verify` passes with N.
 * What makes it hold: every append first moves the single `audit_head` row (UPDATE … RETURNING),
 * so appenders queue on that row's lock — across processes as well as within one.
 */
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { startServerPair, stopPairsAfterAll, TWO_STARTS_MS, type PairServer } from "../support/server-pair.js";
import { cookieHeaderFrom, DEFAULT_PASSWORD, openaiKey, unique } from "../support/http-app.js";
import { cliEnv, runCli } from "../startup/run-cli.js";

/** Requests of each kind, per user, per server. */
const ROUNDS = 12;
/** Requests in flight per server at any moment. */
const IN_FLIGHT = 6;

const cleanups = stopPairsAfterAll();

// On PostgreSQL the instances share one schema; on SQLite one data dir, so one file: both
// processes' transactions begin with BEGIN IMMEDIATE and wait for each other's write lock (up to
// busy_timeout) instead of failing "database is locked" (db/sqlite-write-transactions.ts).
describeEachDatabase("one audit chain from two server processes writing at once", (dialect) => {
  let a: PairServer;
  let b: PairServer;
  let dir: string;
  let shared: Record<string, string>;

  beforeAll(async () => {
    // Failed sign-ins come from one address here: let each request name its own.
    ({ a, b, dir, env: shared } = await startServerPair(dialect, { cleanups, prefix: "audit-two", env: { KEYHAVEN_TRUST_PROXY: "true" } }));
  }, TWO_STARTS_MS);

  async function call(server: PairServer, method: string, path: string, opts: { cookie?: string; body?: unknown; ip?: string } = {}) {
    const headers: Record<string, string> = { origin: server.url };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.ip) headers["x-forwarded-for"] = opts.ip;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${server.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  }
  async function ok(res: Promise<Response>, status: number): Promise<any> {
    const r = await res;
    const text = await r.text();
    expect(r.status, text).toBe(status);
    return text ? JSON.parse(text) : null;
  }

  it("every request leaves one event; seq runs 1…N; keyhaven audit verify passes with N", { timeout: 240_000 }, async () => {
    // Two users (the first is the instance admin), each with a key, signed up on different servers.
    const users = [];
    for (const [i, server] of [a, b].entries()) {
      const email = `audit-two-${unique()}@example.com`;
      const res = await call(server, "POST", "/api/auth/sign-up/email", { body: { email, password: DEFAULT_PASSWORD, name: `User ${i}` }, ip: `198.51.100.${i + 1}` });
      expect(res.status, await res.clone().text()).toBe(200);
      const cookie = cookieHeaderFrom(res);
      const key = await ok(call(server, "POST", "/api/api-keys", { cookie, body: { name: `first ${i}`, service: "openai", value: openaiKey() } }), 201);
      users.push({ email, cookie, keyId: key.id as string });
    }

    // Both servers at once, IN_FLIGHT requests each at any moment (more outruns a 10-connection
    // pool's 5 s wait on a 2-core test machine): creates, reveals, updates and failed sign-ins.
    const queues = new Map<PairServer, (() => Promise<unknown>)[]>([[a, []], [b, []]]);
    let n = 0;
    for (const server of [a, b]) {
      const work = queues.get(server)!;
      for (const [u, user] of users.entries()) {
        for (let i = 0; i < ROUNDS; i++) {
          work.push(() => ok(call(server, "POST", "/api/api-keys", { cookie: user.cookie, body: { name: `k ${u}-${i}-${server.url}`, service: "openai", value: openaiKey() } }), 201));
          work.push(() => ok(call(server, "GET", `/api/api-keys/${user.keyId}?includeValue=true`, { cookie: user.cookie }), 200));
          work.push(() => ok(call(server, "PUT", `/api/api-keys/${user.keyId}`, { cookie: user.cookie, body: { description: `round ${i}` } }), 200));
          // Each from its own address and for its own (unknown) email: the sign-in limits stay out of the way.
          const k = ++n;
          work.push(() => ok(call(server, "POST", "/api/auth/sign-in/email", { body: { email: `nobody-${k}-${unique()}@example.com`, password: "not the password" }, ip: `203.0.113.${k}` }), 401));
        }
      }
    }
    const worker = async (work: (() => Promise<unknown>)[]) => {
      for (let job = work.shift(); job; job = work.shift()) await job();
    };
    await Promise.all([...queues.values()].flatMap((work) => Array.from({ length: IN_FLIGHT }, () => worker(work))));

    // Read the whole log back as the admin, through the API (the same on both databases).
    const events: { seq: number; action: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(call(a, "GET", `/api/audit?all=true&limit=200${cursor ? `&cursor=${cursor}` : ""}`, { cookie: users[0].cookie }), 200);
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);

    const count = (action: string) => events.filter((e) => e.action === action).length;
    const perKind = 2 * users.length * ROUNDS;
    expect(count("key.create")).toBe(users.length + perKind);
    expect(count("key.reveal")).toBe(perKind);
    expect(count("key.update")).toBe(perKind);
    expect(count("auth.sign_in_failed")).toBe(perKind);
    const seqs = events.map((e) => e.seq).reverse();
    expect(seqs).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));

    const verified = await runCli(["audit", "verify"], { cwd: dir, env: cliEnv({ ...shared, LOG_LEVEL: "warn" }) });
    expect(verified.stderr).toBe("");
    expect(verified.stdout.trim()).toBe(`audit log verified: ${events.length} events, chain intact`);
    expect(verified.code).toBe(0);
  });
});
