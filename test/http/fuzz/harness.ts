/**
 * Runs generated requests against the whole app on a real port (node:http, or a raw socket for
 * paths Node's client refuses to send), as signed-in users with the right Origin, and checks
 * every answer: no 5xx, no hang, 4xx JSON in our error shape and small. Prints the seed and
 * a short repro of each failure.
 *
 * Rate limits would turn most answers into 429s and stop the fuzz reaching validation: the
 * runner empties the rate_limits table every few dozen requests (a test-only hook through the
 * database; the limiter itself is unchanged), and requests rotate over a few users.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { STATUS_BY_CODE, type ErrorCode } from "../../../src/platform/errors.js";
import { describeEachDatabase, type TestDialect } from "../../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../../support/fake-provider.js";
import { createHttpApp, openaiKey, unique, type HttpApp, type SignedUpUser } from "../../support/http-app.js";
import { fuzzCount, fuzzSeed, rngFor, type Rng } from "./generate.js";

export interface FuzzUser {
  user: SignedUpUser;
  /** Ids of this user's keys, made before the run. */
  keyIds: string[];
}

export interface FuzzContext {
  user: FuzzUser;
  /** Key ids of the other users. */
  foreign: string[];
}

export interface FuzzRequest {
  method: string;
  /** As sent on the wire (percent-escapes untouched). */
  path: string;
  /** Over the defaults (cookie, origin); `undefined` removes a default. */
  headers?: Record<string, string | undefined>;
  body?: Buffer;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /** What the generator did, for the repro. */
  kind: string;
}

export interface FuzzRoute {
  /** "POST /api/api-keys". */
  name: string;
  generate(rng: Rng, ctx: FuzzContext): FuzzRequest;
}

export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface FuzzTarget {
  dialect: TestDialect;
  h: HttpApp;
  host: string;
  port: number;
  origin: string;
  users: FuzzUser[];
  /** Empties rate_limits: the test hook that keeps validation reachable. */
  resetRateLimits(): Promise<void>;
}

const USERS = 6;
const KEYS_PER_USER = 4;

/** Starts the app on 127.0.0.1:<random port> for the file's `describe` block; `get()` inside tests. */
export function useFuzzTarget(dialect: TestDialect): { get(): FuzzTarget } {
  let target: FuzzTarget | undefined;
  let server: ServerType | undefined;
  let fake: FakeProvider | undefined;
  beforeAll(async () => {
    fake = await startFakeProvider();
    const h = await createHttpApp(dialect, {
      env: { KEYHAVEN_TRUST_PROXY: "true" },
      logLevel: "error",
      app: {
        keyTester: {
          baseUrlOverrides: fakeBaseUrlOverrides(fake.url),
          timeoutMs: 2_000,
          // Custom endpoints resolve to loopback, which the SSRF guard refuses: never the internet.
          lookup: async () => [{ address: "127.0.0.1", family: 4 }],
        },
      },
    });
    const users: FuzzUser[] = [];
    for (let u = 0; u < USERS; u++) {
      const user = await h.signUp(`fuzz-${unique()}@example.com`, { headers: { "x-forwarded-for": `198.18.${u}.${(u * 7) % 250}` } });
      const keyIds: string[] = [];
      for (let k = 0; k < KEYS_PER_USER; k++) {
        const res = await h.request("POST", "/api/api-keys", { cookie: user.cookie, body: { name: `seed ${k}`, service: "openai", value: openaiKey() } });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`seeding a key answered ${res.status}: ${text}`);
        keyIds.push((JSON.parse(text) as { id: string }).id);
      }
      users.push({ user, keyIds });
    }
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    const db = h.runtime.database.db;
    target = {
      dialect,
      h,
      host: "127.0.0.1",
      port,
      origin: h.publicUrl,
      users,
      resetRateLimits: async () => void (await db.deleteFrom("rate_limits").execute()),
    };
  });
  afterAll(async () => {
    if (server) {
      await new Promise<void>((done) => {
        server!.close(() => done());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }
    await target?.h.close();
    await fake?.close();
  });
  return {
    get: () => {
      if (!target) throw new Error("fuzz target not started");
      return target;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sending

const CONCURRENCY = 6;
// One connection per request (`agent: false`), the runner's workers bounding concurrency. A shared
// Agent hands a finished socket to the next queued request even without keep-alive, while the
// server may be closing it (Connection: close, or @hono/node-server giving up draining an unread
// body after 500 ms): that request dies with "socket hang up", a client-side race, not a finding.
const TIMEOUT_MS = 15_000;
/** What Node's http client sends as a path (it writes latin1): anything else goes over a raw socket. */
const NODE_SENDABLE_PATH = /^[\u0021-\u00ff]+$/;

function headersFor(target: FuzzTarget, req: FuzzRequest, user: FuzzUser): Record<string, string> {
  const headers: Record<string, string | undefined> = { origin: target.origin, cookie: user.user.cookie, ...req.headers };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** A request-target Node's parser takes as it is: visible ASCII only (raw bytes above it are a 400). */
const PLAIN_ASCII_PATH = /^[\u0021-\u007e]+$/;
/** Node's default limit on a request's line + headers (`--max-http-header-size`). */
const NODE_MAX_HEAD_BYTES = 16 * 1024;

/**
 * Node's own parser refuses some requests before our app sees them: a head over its limit
 * (431), a request line with raw bytes it cannot parse (400). It answers and closes at once;
 * when the client is still writing a large body (or head), the close arrives as a reset and the
 * client may never read that answer (Node 24 does this far more often than Node 20). Such a
 * reset is a refusal, not a missing answer; the server goes on serving (checked after the run).
 */
function isNodeRefusal(req: FuzzRequest, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== "ECONNRESET" && code !== "EPIPE") return false;
  const head = Buffer.byteLength(req.path) + Object.entries(req.headers ?? {}).reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);
  const unparseableWithBigBody = !PLAIN_ASCII_PATH.test(req.path) && (req.body?.length ?? 0) > NODE_MAX_HEAD_BYTES;
  return head > NODE_MAX_HEAD_BYTES || unparseableWithBigBody;
}

export function send(target: FuzzTarget, req: FuzzRequest, user: FuzzUser, timeoutMs = TIMEOUT_MS): Promise<Answer> {
  const headers = headersFor(target, req, user);
  if (!NODE_SENDABLE_PATH.test(req.path)) return sendRaw(target, req, headers, timeoutMs);
  return new Promise((resolve, reject) => {
    let answered = false;
    if (req.body && !req.chunked) headers["content-length"] = String(req.body.length);
    const r = http.request({ host: target.host, port: target.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) });
      });
      res.on("error", (err) => answered || reject(err));
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // An answer before the whole body was written (413) may be followed by a reset: the answer counts.
    r.on("error", (err) => answered || reject(err));
    if (req.body && req.chunked) {
      const half = Math.floor(req.body.length / 2);
      r.write(req.body.subarray(0, half));
      r.end(req.body.subarray(half));
    } else {
      r.end(req.body);
    }
  });
}

/** One request on its own socket, bytes as given (the path as UTF-8), `Connection: close`. */
function sendRaw(target: FuzzTarget, req: FuzzRequest, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = req.body ?? Buffer.alloc(0);
    const lines = [`${req.method} ${req.path} HTTP/1.1`, `host: ${target.host}:${target.port}`, "connection: close"];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (req.body) lines.push(`content-length: ${body.length}`);
    const socket = net.connect(target.port, target.host);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => (chunks.length ? finish() : reject(err)));
    socket.on("end", () => finish());
    // Not end(): a half-closed socket may be gone before Node's parser answers 400 to a bad request line.
    socket.on("connect", () => socket.write(Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "utf8"), body])));
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf("\r\n\r\n");
      const head = raw.subarray(0, split < 0 ? raw.length : split).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1] ?? "";
      let rest: Buffer = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
      if (/^transfer-encoding:\s*chunked/im.test(head)) rest = dechunk(rest);
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(head.slice(0, 80))}`));
      else resolve({ status, contentType, body: rest });
    }
  });
}

function dechunk(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(at, eol).toString("latin1"), 16);
    if (!size) break;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Checking

/** What is wrong with an answer, or undefined. */
export function problemOf(answer: Answer): string | undefined {
  if (answer.status >= 500) return `${answer.status} answer`;
  const isJson = /^application\/json\b/i.test(answer.contentType);
  if (answer.status >= 400) {
    if (answer.body.length >= 4096) return `${answer.status} error body of ${answer.body.length} bytes (echoes the input?)`;
    if (!isJson) return undefined; // Node's own 400/431 for requests it cannot parse carry no JSON
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString("utf8"));
    } catch {
      return `${answer.status} answer says JSON but is not`;
    }
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== "string" || typeof error.message !== "string") return `${answer.status} answer not in our error shape`;
    if (STATUS_BY_CODE[error.code as ErrorCode] !== answer.status) return `${answer.status} answer with code ${error.code}`;
    return undefined;
  }
  if (isJson && answer.body.length) {
    try {
      JSON.parse(answer.body.toString("utf8"));
    } catch {
      return `${answer.status} answer says JSON but is not`;
    }
  }
  return undefined;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** A short, copyable description of a request: method, path, content type, body (escaped, clipped). */
export function repro(req: FuzzRequest): string {
  const ct = req.headers?.["content-type"];
  const extra = Object.entries(req.headers ?? {})
    .filter(([n]) => n !== "content-type")
    .map(([n, v]) => `${n}: ${v === undefined ? "(none)" : clip(JSON.stringify(v), 60)}`);
  const body = req.body ? `${req.chunked ? "chunked " : ""}body(${req.body.length} B)=${clip(JSON.stringify(req.body.toString("utf8")), 240)}` : "no body";
  return [`${req.method} ${clip(JSON.stringify(req.path), 200)}`, `content-type: ${ct === undefined ? "(none)" : JSON.stringify(ct)}`, ...extra, body].join(" | ");
}

export interface Problem {
  index: number;
  problem: string;
  kind: string;
  repro: string;
  answer?: string;
}

export interface FuzzReport {
  route: string;
  dialect: TestDialect;
  seed: number;
  count: number;
  ms: number;
  statuses: Map<number, number>;
  problems: Problem[];
  /** Distinct `unhandled error` log lines of the server during the run. */
  serverErrors: string[];
}

/** Header damage for a few requests: no/foreign Origin, no/garbage cookie, odd Accept. */
function headerMutation(rng: Rng): Record<string, string | undefined> {
  return rng.pick<Record<string, string | undefined>>([
    { origin: undefined },
    { origin: "null" },
    { origin: "http://evil.example" },
    { cookie: undefined },
    { cookie: "better-auth.session_token=garbage%zz%00" },
    { cookie: "better-auth.session_token=" + "a".repeat(3000) },
    { accept: "text/html" },
    { "accept-encoding": "gzip, br" },
    { "x-forwarded-for": "not an ip, \u00ff" },
    { "x-http-method-override": "DELETE" },
  ]);
}

export async function runFuzz(target: FuzzTarget, route: FuzzRoute, opts: { seed: number; count: number; concurrency?: number }): Promise<FuzzReport> {
  const { seed, count } = opts;
  const statuses = new Map<number, number>();
  const problems: Problem[] = [];
  const logStart = target.h.logs.length;
  const started = performance.now();
  let next = 0;
  let doneCount = 0;
  let resetting: Promise<void> = target.resetRateLimits();

  async function one(index: number) {
    const rng = rngFor(seed, index);
    const user = target.users[index % target.users.length];
    const foreign = target.users.filter((u) => u !== user).flatMap((u) => u.keyIds);
    const req = route.generate(rng, { user, foreign });
    if (rng.chance(0.04)) req.headers = { ...req.headers, ...headerMutation(rng) };
    let problem: string | undefined;
    let answer: Answer | undefined;
    try {
      answer = await send(target, req, user);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      problem = problemOf(answer);
    } catch (err) {
      statuses.set(0, (statuses.get(0) ?? 0) + 1);
      if (!isNodeRefusal(req, err)) problem = `no answer: ${(err as Error).message}`;
    }
    if (problem) {
      problems.push({ index, problem, kind: req.kind, repro: repro(req), answer: answer && clip(answer.body.toString("utf8"), 200) });
    }
    if (++doneCount % 40 === 0) resetting = resetting.then(() => target.resetRateLimits());
  }

  // FUZZ_ONLY=12,345 replays just those requests of the run (with FUZZ_SEED).
  const only = process.env.FUZZ_ONLY?.split(",").map(Number).filter(Number.isInteger);
  const indexes = only?.length ? only : Array.from({ length: count }, (_, i) => i);
  const workers = Array.from({ length: opts.concurrency ?? CONCURRENCY }, async () => {
    while (next < indexes.length) await one(indexes[next++]);
  });
  await Promise.all(workers);
  await resetting;
  const serverErrors = [
    ...new Set(
      target.h.logs
        .slice(logStart)
        .map((line) => JSON.parse(line) as { msg?: string; err?: { name?: string; message?: string } })
        .filter((r) => r.msg === "unhandled error")
        .map((r) => clip(`${r.err?.name}: ${r.err?.message}`, 300)),
    ),
  ];
  return { route: route.name, dialect: target.dialect, seed, count: indexes.length, ms: performance.now() - started, statuses, problems: problems.sort((a, b) => a.index - b.index), serverErrors };
}

/** Prints the run, then fails with the seed and a repro per problem kind. */
export function expectClean(report: FuzzReport, opts: { minReachingShare?: number; min400Share?: number } = {}): void {
  const total = report.count;
  const hist = [...report.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
  const head = `[fuzz] ${report.route} [${report.dialect}] seed=${report.seed} (replay: FUZZ_SEED=${report.seed}, one request: FUZZ_ONLY=<#>): ${total} requests in ${(report.ms / 1000).toFixed(1)} s: ${hist}`;
  console.log(head);
  if (report.problems.length) {
    const byProblem = new Map<string, Problem[]>();
    for (const p of report.problems) byProblem.set(p.problem, [...(byProblem.get(p.problem) ?? []), p]);
    const lines = [`${head}`, `${report.problems.length} problem(s):`];
    for (const [problem, list] of byProblem) {
      lines.push(`- ${problem}: ${list.length}× — e.g. (kinds: ${[...new Set(list.map((p) => p.kind))].slice(0, 6).join("; ")})`);
      for (const p of list.slice(0, 4)) lines.push(`    #${p.index} ${p.repro}${p.answer ? `\n      → ${p.answer}` : ""}`);
    }
    if (report.serverErrors.length) lines.push("server logged:", ...report.serverErrors.map((e) => `    ${e}`));
    throw new Error(lines.join("\n"));
  }
  if (process.env.FUZZ_ONLY) return; // a replay of a few requests says nothing about shares
  const count = (pred: (s: number) => boolean) => [...report.statuses].filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
  if (opts.min400Share !== undefined) {
    expect(count((s) => s === 400) / total, `share of 400s (validation reached) — ${hist}`).toBeGreaterThanOrEqual(opts.min400Share);
  }
  // 401/403 come from the few requests with damaged headers, 429 from the rate limits: most must get past them.
  const reaching = count((s) => s !== 401 && s !== 403 && s !== 429 && s !== 0);
  expect(reaching / total, `share of answers past auth and rate limits — ${hist}`).toBeGreaterThanOrEqual(opts.minReachingShare ?? 0.5);
}

/** After a run: /api/health answers 200, and a normal create then get still works. */
export async function expectStillServing(target: FuzzTarget): Promise<void> {
  await target.resetRateLimits();
  const user = target.users[0];
  const health = await send(target, { method: "GET", path: "/api/health", kind: "health" }, user);
  expect(health.status, health.body.toString()).toBe(200);
  expect(JSON.parse(health.body.toString())).toMatchObject({ status: "ok" });

  const name = `after fuzz ${unique()}`;
  const created = await send(
    target,
    { method: "POST", path: "/api/api-keys", headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify({ name, service: "openai", value: openaiKey() })), kind: "create" },
    user,
  );
  expect(created.status, created.body.toString()).toBe(201);
  const id = (JSON.parse(created.body.toString()) as { id: string }).id;
  const got = await send(target, { method: "GET", path: `/api/api-keys/${id}`, kind: "get" }, user);
  expect(got.status, got.body.toString()).toBe(200);
  expect(JSON.parse(got.body.toString())).toMatchObject({ id, name });
}

/**
 * The one shape of a key route's fuzz file: on each database, `fuzzCount()` generated requests
 * to `route` must come back clean (`clean`: the shares to require), then the server still serves.
 */
export function fuzzKeyRoute(route: FuzzRoute, what: string, clean: Parameters<typeof expectClean>[1] = {}): void {
  describeEachDatabase(`fuzz ${route.name}`, (dialect) => {
    const target = useFuzzTarget(dialect);
    it(`${what}: no 5xx, every error in our shape and small; still serving`, { timeout: 180_000 }, async () => {
      const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
      expectClean(report, clean);
      await expectStillServing(target.get());
    });
  });
}
