/**
 * Bearer values that are not a live token, over a real socket: malformed headers, truncated and
 * one-character-changed real tokens, values without `kh_`, `kh_` + anything, token-shaped but
 * unknown, unicode (sent as raw UTF-8 bytes), very long, empty, `Bearer` alone, lowercase
 * `bearer`, extra spaces. Every one is a 401 in our error shape — never a 200, never a 5xx —
 * and, with every log line captured at debug level, no log line holds a value sent or a real
 * token. A token in the query string is a 400 and never logged either.
 *
 * Values are what a client can put in a header that Node's parser takes (no CR, LF, NUL or other
 * controls: those never reach the app, Node answers 400 itself). Trailing or leading whitespace
 * around a real token is left out: HTTP strips it, so that header is the real token and a 200.
 *
 * Fixed-seed style of the other fuzz files: FUZZ_SEED replays a run, CI uses a fixed seed. Counts:
 * BEARER_FUZZ_COUNT (default 10,000 on SQLite; 2,000 on PostgreSQL, where every token-shaped
 * value is a round trip to the server and the run would otherwise take several times as long —
 * the refusal path is the same code on both).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase, type TestDialect } from "../../support/databases.js";
import { createHttpApp, jsonOf, openaiKey, UNAUTHORIZED, type HttpApp, type SignedUpUser } from "../../support/http-app.js";
import { ALL_SCOPES, TOKEN_UNAUTHORIZED } from "../../support/tokens.js";
import { fuzzSeed, rngFor, UNICODE_EDGES, type Rng } from "./generate.js";

const MALFORMED = { code: "UNAUTHORIZED", message: "Authorization must be `Bearer kh_…`" };
const URL_REFUSED = { code: "VALIDATION_ERROR", message: "Send the access token in the Authorization header, never in the URL" };
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PRINTABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.~!*'();:@&=+$,/?#[]{}\"\\%<>|^`";
/** Look-alikes of `k`, `h`, `_` and base64url characters. */
const HOMOGLYPHS = ["к", "һ", "＿", "ｋ", "ℎ", "а", "е", "о", "р", "с", "ᴋ", "Ｏ", "０", "‐", "−", "‗"];

function countFor(dialect: TestDialect): number {
  const n = Number(process.env.BEARER_FUZZ_COUNT);
  if (Number.isInteger(n) && n > 0) return n;
  return dialect === "sqlite" ? 10_000 : 2_000;
}

interface Case {
  /** The whole Authorization header value, as sent (a string of UTF-8 text). */
  header: string;
  /** A second Authorization header after it. */
  second?: string;
  /** What the caller meant as the credential: must never be logged. */
  credential: string;
  kind: string;
}

interface Target {
  h: HttpApp;
  port: number;
  user: SignedUpUser;
  keyId: string;
  /** Live tokens of `user` (keys:read and more): the 401s are not because tokens do not work. */
  real: string[];
}

const randomFrom = (rng: Rng, alphabet: string, len: number) => {
  let s = "";
  for (let i = 0; i < len; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
};

/** A string of header-safe characters: printable ASCII, tabs inside, unicode. */
function junk(rng: Rng, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    const r = rng.next();
    if (r < 0.75) s += PRINTABLE[rng.int(PRINTABLE.length)];
    else if (r < 0.8) s += "\t";
    else s += rng.pick(UNICODE_EDGES);
  }
  return s;
}

function oneCharChanged(rng: Rng, token: string): string {
  const at = rng.int(token.length);
  let c = token[at];
  while (c === token[at]) c = rng.chance(0.8) ? B64URL[rng.int(B64URL.length)] : rng.pick([...PRINTABLE.replace(" ", ""), ...HOMOGLYPHS]);
  return token.slice(0, at) + c + token.slice(at + 1);
}

/** Case `index` of a run; each from its own PRNG, so one can be replayed alone. */
function generate(rng: Rng, real: readonly string[]): Case {
  const token = rng.pick(real);
  const bearer = (credential: string, kind: string): Case => ({ header: `Bearer ${credential}`, credential, kind });
  const r = rng.int(100);
  if (r < 3) return { header: "", credential: "", kind: "empty header" };
  if (r < 6) return { header: rng.pick(["Bearer", "Bearer ", "Bearer   ", "Bearer\t"]), credential: "", kind: "Bearer without value" };
  if (r < 12) {
    const credential = rng.chance(0.5) ? token : `kh_${randomFrom(rng, B64URL, 43)}`;
    const scheme = rng.pick(["bearer", "BEARER", "BeArEr", "Bearer:", "Token", "Basic", "Bearer-Token", "Bear", "Bearerr", "kh"]);
    return { header: `${scheme} ${credential}`, credential, kind: `scheme ${scheme}` };
  }
  if (r < 20) {
    // Spaces or tabs between scheme and token, a second word after it, or the token twice.
    const gap = rng.pick(["  ", "   ", "\t", " \t", "\t "]);
    const variant = rng.int(4);
    if (variant === 0) return { header: `Bearer${gap}${token}`, credential: token, kind: "extra space before the token" };
    if (variant === 1) return { header: `Bearer ${token}${gap}extra`, credential: token, kind: "a word after the token" };
    if (variant === 2) return { header: `Bearer ${token} ${token}`, credential: token, kind: "the token twice" };
    if (rng.chance(0.5)) return { header: `Bearer ${token}, Bearer ${token}`, credential: token, kind: "two credentials" };
    // Two Authorization headers: the adapter joins them ("a, b"), which is no token.
    const [first, second] = rng.chance(0.5) ? [`Bearer ${token}`, "Bearer garbage"] : ["Bearer garbage", `Bearer ${token}`];
    return { header: first, second, credential: token, kind: "two Authorization headers" };
  }
  if (r < 32) return bearer(token.slice(0, rng.int(token.length)), "truncated real token");
  if (r < 44) return bearer(oneCharChanged(rng, token), "real token, one character changed");
  if (r < 48) return bearer(rng.pick([`${token}=`, `${token}.`, `${token}${B64URL[rng.int(64)]}`, `kh_${token}`, `${token}${token.slice(3)}`, token.slice(1)]), "real token, extended");
  if (r < 56) {
    const v = rng.pick([
      () => `sk-proj-${randomFrom(rng, B64URL, 40)}`,
      () => `eyJ${randomFrom(rng, B64URL, 30)}.eyJ${randomFrom(rng, B64URL, 40)}.${randomFrom(rng, B64URL, 43)}`,
      () => `${rng.pick(["KH_", "kh-", "kh", "k_", "h_", "_kh_", "xkh_"])}${randomFrom(rng, B64URL, 43)}`,
      () => randomFrom(rng, B64URL, rng.range(1, 80)),
      () => token.slice(3),
    ])();
    return bearer(v, "not kh_");
  }
  if (r < 66) {
    let len = rng.range(0, 120);
    if (len === 43) len = 44;
    return bearer(`kh_${randomFrom(rng, rng.chance(0.7) ? B64URL : PRINTABLE.replace(" ", ""), len)}`, "kh_ + random");
  }
  if (r < 76) return bearer(`kh_${randomFrom(rng, B64URL, 43)}`, "token-shaped, unknown");
  if (r < 86) {
    const v = rng.pick([
      () => `kh_${junk(rng, rng.range(1, 60))}`,
      () => `${rng.pick(HOMOGLYPHS)}${token.slice(1)}`,
      () => oneCharChanged(rng, token).replace(/[A-Za-z]/, () => rng.pick(HOMOGLYPHS)),
      () => `kh_${rng.pick(UNICODE_EDGES).repeat(rng.range(1, 43))}`,
      () => junk(rng, rng.range(1, 60)).trim() || "é",
    ])();
    return bearer(v, "unicode");
  }
  if (r < 90) {
    // Long, yet under Node's 16 KiB header limit (a bigger head is Node's 431, not the app's).
    const len = rng.pick([100, 1_000, 4_096, 8_000, 12_000]);
    const v = rng.pick([() => `kh_${randomFrom(rng, B64URL, len)}`, () => `${token}${"A".repeat(len)}`, () => "x".repeat(len), () => `kh_${"😀".repeat(len / 8)}`])();
    return bearer(v, "very long");
  }
  const v = junk(rng, rng.range(1, 200)).trim();
  return bearer(v === "" ? "." : v, "random header-safe text");
}

/**
 * One request over a kept-alive connection. Header values go out as the UTF-8 bytes of the text
 * (Node's client writes a header string as latin1, so each character below 0x100 is one byte):
 * what a client sending unicode in a header puts on the wire.
 */
function send(agent: http.Agent, port: number, method: string, path: string, headers: [string, string][], body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of headers) {
      const bytes = Buffer.from(value, "utf8").toString("latin1");
      const had = out[name];
      out[name] = had === undefined ? bytes : [...(Array.isArray(had) ? had : [had]), bytes];
    }
    if (body !== undefined) out["content-type"] = "application/json";
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: out, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error("no answer within 15 s")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Every /api/api-keys route, with a body it would accept: a bad bearer is refused before any of it. */
function routesFor(keyId: string): { method: string; path: string; body?: string }[] {
  return [
    { method: "GET", path: "/api/api-keys" },
    { method: "GET", path: "/api/api-keys?service=openai" },
    { method: "GET", path: "/api/api-keys/stats" },
    { method: "POST", path: "/api/api-keys", body: JSON.stringify({ name: "fuzz", service: "openai", value: openaiKey() }) },
    { method: "GET", path: `/api/api-keys/${keyId}` },
    { method: "GET", path: `/api/api-keys/${keyId}?includeValue=true` },
    { method: "PUT", path: `/api/api-keys/${keyId}`, body: JSON.stringify({ description: "fuzz" }) },
    { method: "POST", path: "/api/api-keys/test", body: JSON.stringify({ keyId }) },
    { method: "DELETE", path: `/api/api-keys/${keyId}` },
  ];
}

/**
 * The texts a log line would hold if a value had been logged: the value, its JSON escape, and
 * both again for the latin1 reading Node gives raw UTF-8 header bytes.
 */
function loggedForms(value: string): string[] {
  const latin1 = Buffer.from(value, "utf8").toString("latin1");
  return [...new Set([value, latin1, JSON.stringify(value).slice(1, -1), JSON.stringify(latin1).slice(1, -1)])];
}

/** Which of `values` occur in `lines`: every 8-character window of the logs in a set, then a full check. */
function foundInLogs(lines: readonly string[], values: Iterable<string>): string[] {
  const W = 8;
  const windows = new Set<string>();
  for (const line of new Set(lines)) for (let i = 0; i + W <= line.length; i++) windows.add(line.slice(i, i + W));
  const found: string[] = [];
  for (const value of values) {
    for (const form of loggedForms(value)) {
      if (form.length < W || !windows.has(form.slice(0, W))) continue;
      if (lines.some((line) => line.includes(form))) found.push(value);
    }
  }
  return found;
}

describeEachDatabase("fuzz Authorization: Bearer on /api/api-keys", (dialect) => {
  let target: Target;
  let server: ServerType | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    const h = await createHttpApp(dialect, { logLevel: "debug" });
    const user = await h.signUp();
    const keyId = (await h.createKey(user, { name: "bearer fuzz", service: "openai", value: openaiKey() })).id as string;
    const real: string[] = [];
    for (const scopes of [["keys:read"], ["keys:read", "keys:write"], ALL_SCOPES, ["keys:reveal", "keys:read"]]) {
      const created = await jsonOf(await h.request("POST", "/api/tokens", { cookie: user.cookie, body: { name: "fuzz", scopes } }), 201);
      real.push(created.token as string);
    }
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    target = { h, port: (server.address() as AddressInfo).port, user, keyId, real };
  });
  afterAll(async () => {
    agent.destroy();
    if (server) {
      await new Promise<void>((done) => {
        server!.close(() => done());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }
    await target?.h.close();
  });

  /** The real tokens still work, through the same socket path: the refusals were the values'. */
  async function realTokensWork() {
    for (const token of target.real) {
      const res = await send(agent, target.port, "GET", `/api/api-keys/${target.keyId}`, [["authorization", `Bearer ${token}`]]);
      expect(res.status, `${token.slice(0, 11)}…: ${res.body}`).toBe(200);
    }
  }

  it(`${countFor(dialect)} bad bearer values: each a 401 in our shape, none logged`, { timeout: 120_000 }, async () => {
    const { h, port, real } = target;
    await realTokensWork();
    const seed = fuzzSeed();
    const count = countFor(dialect);
    const routes = routesFor(target.keyId);
    const logStart = h.logs.length;
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    const credentials = new Set<string>();
    const started = performance.now();
    let next = 0;
    async function one(index: number) {
      const rng = rngFor(seed, index);
      const c = generate(rng, real);
      const route = rng.pick(routes);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      credentials.add(c.credential);
      let problem: string | undefined;
      try {
        const headers: [string, string][] = [["authorization", c.header]];
        if (c.second !== undefined) headers.push(["authorization", c.second]);
        const res = await send(agent, port, route.method, route.path, headers, route.body);
        if (res.status !== 401) problem = `${res.status}: ${res.body.slice(0, 200)}`;
        else {
          const error = (JSON.parse(res.body) as { error?: unknown }).error;
          if (!isRefusal(error)) problem = `401 not in our shape: ${res.body.slice(0, 200)}`;
          else if (c.credential.length >= 8 && res.body.includes(c.credential)) problem = "401 echoes the value";
        }
      } catch (err) {
        problem = `no answer: ${(err as Error).message}`;
      }
      if (problem) problems.push(`#${index} [${c.kind}] ${route.method} ${route.path} Authorization: ${JSON.stringify(c.header.slice(0, 120))} → ${problem}`);
    }
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < count) await one(next++);
      }),
    );
    const ms = performance.now() - started;
    console.log(
      `[fuzz] bearer [${dialect}] seed=${seed} (replay: FUZZ_SEED=${seed}): ${count} values in ${(ms / 1000).toFixed(1)} s: ` +
        [...kinds].map(([k, n]) => `${k}×${n}`).join(", "),
    );
    expect(problems.slice(0, 20), `seed ${seed}: ${problems.length} problem(s)`).toEqual([]);
    // Every kind of value was sent.
    expect(kinds.size).toBeGreaterThanOrEqual(count >= 1000 ? 15 : 1);

    const lines = h.logs.slice(logStart);
    // One request line per request reached the log: the search below looked at real lines.
    expect(lines.filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(count);
    // Values under 8 characters ("", "kh_", "a") occur in any log line by chance: they say nothing.
    const secrets = [...[...credentials].filter((v) => v.length >= 8), ...real, ...real.map((t) => t.slice(3))];
    expect(foundInLogs(h.logs, secrets)).toEqual([]);
    await realTokensWork();
  });

  it("a token in the query string is a 400 on every key route, with or without credentials, and never logged", async () => {
    const { h, port, real, user } = target;
    const token = real[2];
    const logStart = h.logs.length;
    const names = ["token", "access_token", "api_key", "authorization", "t"];
    for (const route of routesFor(target.keyId)) {
      for (const name of names) {
        const sep = route.path.includes("?") ? "&" : "?";
        const path = `${route.path}${sep}${name}=${token}`;
        for (const auth of [[], [["authorization", `Bearer ${token}`]], [["cookie", user.cookie], ["origin", h.publicUrl]]] as [string, string][][]) {
          const res = await send(agent, port, route.method, path, auth, route.body);
          expect({ path, auth: auth.map(([n]) => n), status: res.status }).toEqual({ path, auth: auth.map(([n]) => n), status: 400 });
          expect(JSON.parse(res.body)).toEqual({ error: URL_REFUSED });
          expect(res.body).not.toContain(token.slice(3));
        }
      }
    }
    // The same through app.request (no socket): first in a longer query, too.
    for (const path of [`/api/api-keys?service=openai&access_token=${token}`, `/api/api-keys?token=${token}&service=openai`]) {
      const res = await h.request("GET", path, { origin: null, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(400);
    }
    const lines = h.logs.slice(logStart);
    expect(lines.filter((line) => line.includes('"status":400')).length).toBeGreaterThanOrEqual(routesFor("x").length * names.length * 3);
    expect(foundInLogs(h.logs, [token, token.slice(3), ...real])).toEqual([]);
    // Nothing was created, changed or deleted by those requests.
    const key = await jsonOf(await h.request("GET", `/api/api-keys/${target.keyId}`, { cookie: user.cookie }), 200);
    expect(key).toMatchObject({ id: target.keyId, name: "bearer fuzz", description: null });
    expect((await jsonOf(await h.request("GET", "/api/api-keys", { cookie: user.cookie }), 200)).apiKeys).toHaveLength(1);
  });
});

/**
 * A 401 in our shape: the token's refusal, the malformed header's — or the session's, should a
 * header that is not `Bearer` ever be left to the cookie path (these requests carry no cookie).
 */
function isRefusal(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return (
    e !== undefined &&
    Object.keys(e).length === 2 &&
    e.code === "UNAUTHORIZED" &&
    [TOKEN_UNAUTHORIZED.message, MALFORMED.message, UNAUTHORIZED.message].includes(e.message as string)
  );
}
