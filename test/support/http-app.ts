/**
 * The whole HTTP app on a test database, driven through `app.request()`: one runtime + app
 * per test file (build it in `beforeAll`), a `request()` that behaves like the web app (JSON,
 * `Origin: <public URL>`), `signUp()` returning a cookie header, and log lines captured in
 * memory when a log level is given.
 *
 * Requests through `app.request()` have no socket, so their client IP is "local": sign-up is
 * limited to 20 per hour per IP, so a file signs up a handful of users only — or sets
 * KEYHAVEN_TRUST_PROXY=true and an `X-Forwarded-For` per request.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { createApp, type AppOptions, type KeyhavenApp } from "../../src/http/app.js";
import { createLogger } from "../../src/platform/logger.js";
import { composeServer, createRuntime, type Runtime, type RuntimeOptions, type ServerOptions } from "../../src/app/compose.js";
import { createTestDatabase, tempDir, type TestDatabase, type TestDialect } from "./databases.js";

export { apiKeyBody, ISO_DATE, KEY_ID } from "./api-key-body.js";

export interface HttpAppOptions {
  /** Environment overrides (KEYHAVEN_PUBLIC_URL, KEYHAVEN_OPENAI_BASE_URL, KEYHAVEN_TRUST_PROXY, …). */
  env?: Record<string, string | undefined>;
  /** Passed to createApp (key tester timeout, web dir). */
  app?: AppOptions & ServerOptions;
  /** A pino level ("debug", "info"): every line is captured in `logs`. Default: silent. */
  logLevel?: string;
  /** The server clock (rate-limit windows, expiry, stats): tests move it instead of waiting. */
  now?: () => Date;
  /** DNS for the key service's custom endpoint check at save (the key tester's is `app.keyTester.lookup`). */
  lookup?: RuntimeOptions["lookup"];
  /** The automatic rotator the key service and the scheduler use (absent: manual rotation only). */
  automaticRotator?: RuntimeOptions["automaticRotator"];
  /** The real AWS rotator's waits between STS checks of a new key (tests pass short ones). */
  awsCheckDelaysMs?: RuntimeOptions["awsCheckDelaysMs"];
}

export interface RequestOptions {
  /** A `Cookie` header, as returned by `signUp`. */
  cookie?: string;
  /** An object is sent as JSON; a string is sent as is (malformed JSON, other types). */
  body?: unknown;
  /** Extra headers; they win over the defaults (content-type, origin). */
  headers?: Record<string, string>;
  /** `null` sends no Origin; default: the public URL. */
  origin?: string | null;
}

export interface SignedUpUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** `Cookie` header for later requests. */
  cookie: string;
  /** The session token (the part of the cookie value before the signature). */
  sessionToken: string;
}

export interface HttpApp {
  dialect: TestDialect;
  tdb: TestDatabase;
  runtime: Runtime;
  app: KeyhavenApp;
  publicUrl: string;
  /** Raw log lines (one JSON object each) when `logLevel` was given. */
  logs: string[];
  logRecords(): Record<string, unknown>[];
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  signUp(email?: string, opts?: { password?: string; name?: string; headers?: Record<string, string> }): Promise<SignedUpUser>;
  /** POST /api/api-keys as `user`, asserting 201: the ApiKey answered (setup for tests of other routes). */
  createKey(user: SignedUpUser, body: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export const DEFAULT_PASSWORD = "correct horse battery staple";

/** `name=value; name2=value2` from a response's Set-Cookie headers (cleared cookies left out). */
export function cookieHeaderFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((pair) => pair.slice(pair.indexOf("=") + 1) !== "")
    .join("; ");
}

/** The Set-Cookie line of the session cookie (`better-auth.session_token`, `__Secure-` prefixed on https). */
export function sessionSetCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => /^(__Secure-)?better-auth\.session_token=/.test(c));
}

let uniqueCounter = 0;
/** A short unique suffix for emails and names within a run. */
export function unique(): string {
  uniqueCounter += 1;
  return `${Date.now().toString(36)}${uniqueCounter}${randomBytes(3).toString("hex")}`;
}

/** A well-formed OpenAI key nobody else has (`sk-proj-` + 32 base64url characters). */
export function openaiKey(): string {
  return `sk-proj-${randomBytes(24).toString("base64url")}`;
}

/** A well-formed Anthropic key. */
export function anthropicKey(): string {
  return `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
}

/** `sk-proj-…abcd`-style mask for an OpenAI key, as the README shows it (`sk-…` + last 4). */
export function openaiMask(value: string): string {
  return `sk-…${value.slice(-4)}`;
}

/** Reads a JSON answer and checks its status in one go. */
export async function jsonOf(res: Response, status: number): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  return JSON.parse(text);
}

/** Asserts the status and the whole JSON error body; returns the Response's text. */
export async function expectError(
  res: Response,
  status: number,
  error: { code: string; /** A string, a RegExp (matched) or an expect matcher. */ message: unknown; details?: unknown },
): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const expected = { ...error, message: error.message instanceof RegExp ? expect.stringMatching(error.message) : error.message };
  expect(JSON.parse(text)).toEqual({ error: expected });
  return text;
}

/**
 * Rate limits use fixed windows aligned to the clock (`t - t % window`): a burst that straddles
 * a window edge would be split in two. Waits until at least `neededMs` remain in the window.
 */
export async function awayFromWindowEdge(windowMs: number, neededMs = 5_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

export const UNAUTHORIZED = { code: "UNAUTHORIZED", message: "Sign in first: this route needs a session" };
export const KEY_NOT_FOUND = { code: "NOT_FOUND", message: "API key not found" };

export async function createHttpApp(dialect: TestDialect, opts: HttpAppOptions = {}): Promise<HttpApp> {
  const tdb = createTestDatabase(dialect);
  const logs: string[] = [];
  const destination = { write: (line: string) => void logs.push(line) };
  const logger = createLogger(opts.logLevel ?? "silent", destination);
  let runtime: Runtime;
  try {
    runtime = await createRuntime(tdb.config(opts.env), logger, {
      pgSchema: tdb.pgSchema,
      now: opts.now,
      lookup: opts.lookup,
      automaticRotator: opts.automaticRotator,
      awsCheckDelaysMs: opts.awsCheckDelaysMs,
    });
  } catch (err) {
    await tdb.drop();
    throw err;
  }
  const app = createApp(runtime, await composeServer(runtime, opts.app), opts.app);
  const publicUrl = runtime.config.publicUrl;

  async function request(method: string, urlPath: string, ro: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (ro.origin !== null) headers.origin = ro.origin ?? publicUrl;
    if (ro.cookie) headers.cookie = ro.cookie;
    let body: string | undefined;
    if (ro.body !== undefined) {
      headers["content-type"] = "application/json";
      body = typeof ro.body === "string" ? ro.body : JSON.stringify(ro.body);
    }
    for (const [name, value] of Object.entries(ro.headers ?? {})) headers[name.toLowerCase()] = value;
    return app.request(urlPath, { method, headers, body });
  }

  async function signUp(
    email = `user-${unique()}@example.com`,
    so: { password?: string; name?: string; headers?: Record<string, string> } = {},
  ): Promise<SignedUpUser> {
    const password = so.password ?? DEFAULT_PASSWORD;
    const name = so.name ?? email.split("@")[0];
    const res = await request("POST", "/api/auth/sign-up/email", { body: { email, password, name }, headers: so.headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`sign-up of ${email} answered ${res.status}: ${text}`);
    const cookie = cookieHeaderFrom(res);
    const value = /better-auth\.session_token=([^;]*)/.exec(cookie)?.[1];
    if (!value) throw new Error(`sign-up of ${email} set no session cookie`);
    const body = JSON.parse(text) as { user: { id: string } };
    return { id: body.user.id, email, name, password, cookie, sessionToken: decodeURIComponent(value).split(".")[0] };
  }

  const createKey = async (user: SignedUpUser, body: Record<string, unknown>) =>
    jsonOf(await request("POST", "/api/api-keys", { cookie: user.cookie, body }), 201);

  let closed: Promise<void> | undefined;
  return {
    dialect,
    tdb,
    runtime,
    app,
    publicUrl,
    logs,
    logRecords: () => logs.map((line) => JSON.parse(line) as Record<string, unknown>),
    request,
    signUp,
    createKey,
    close: () =>
      (closed ??= (async () => {
        await runtime.close().catch(() => {});
        await tdb.drop();
      })()),
  };
}

/** A built SPA stand-in (index.html + one asset), so `/` answers the same with or without `npm run build`. */
export function fakeWebDir(): string {
  const dir = tempDir("keyhaven-web-");
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(
    path.join(dir, "index.html"),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(path.join(dir, "assets", "app.js"), "console.log('keyhaven');\n");
  return dir;
}
