/**
 * HTTP benchmark: autocannon against an authenticated `GET /api/api-keys` (a user with 10 keys,
 * signed up through the real auth route, keys created through the real API) on the real server
 * (`bin/keyhaven.mjs serve`), versus the same server's `GET /api/health`, and, as information, a
 * bare `node:http` server and a minimal Hono app returning the same JSON bytes — same run, same
 * connections, same duration, alternating.
 *
 *   npx tsx bench/http.ts [--db sqlite|postgres|both] [--keys 1000000] [--quick]
 *       [--connections 10] [--seconds 10] [--rounds 2] [--layers] [--pg-url postgres://…]
 *
 * `GET /api/health` is security headers, request log and routing without a session or a
 * database query: the floor the route is held to.
 *
 * Processes: each server runs in a child process, autocannon in this (parent) process — the
 * 2-core machine is shared by the load generator and the server under test, for both servers
 * alike. With --keys N, N keys (100,000+ other users) are seeded into the same database before
 * the server starts, and the server's peak RSS during the run is printed.
 * The last line is the throughput ratio of the route to the same server's `/api/health` in the
 * same run (target ≥ 0.8; --quick: not enforced): what the session check, the query and the
 * answer cost on top of the stack every request pays. Bare node:http and minimal Hono are printed
 * as information: the gap from them to `/api/health` is the stack itself (bench/README.md).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createBenchDatabase,
  dropOnSignal,
  fmtInt,
  intFlag,
  machineLine,
  parseFlags,
  ratioLine,
  type BenchDatabase,
  type BenchDialect,
  type Verdict,
} from "./lib/common.js";
import { distState, fmtMiB, freePort, sampleRss, startChild, type ChildServer } from "./lib/servers.js";
import { seedKeys } from "./seed.js";
import { cpuPerReq, measureAlternating, ms, rps, totalsLine, worst, type CannonTarget, type Totals } from "./lib/cannon.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");


// 10 keys: two per service, in the formats the API checks.
const rand = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))).toString("base64url");
const KEYS = [
  ...["openai", "anthropic", "google", "groq", "xai"].flatMap((service) =>
    [1, 2].map((i) => ({
      name: `${service} key ${i}`,
      service,
      value:
        service === "openai"
          ? `sk-proj-${rand(36)}`
          : service === "anthropic"
            ? `sk-ant-api03-${rand(36)}`
            : service === "google"
              ? `AIza${rand(27).slice(0, 35)}`
              : service === "groq"
                ? `gsk_${rand(36)}`
                : `xai-${rand(36)}`,
      description: i === 1 ? "production" : null,
      ...(i === 1 ? { isDefault: true } : {}),
    })),
  ),
];

async function signUpWithKeys(base: string, origin: string): Promise<{ cookie: string; body: Buffer }> {
  const email = `bench-${rand(6)}@example.com`.toLowerCase();
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email, password: "correct horse battery staple", name: "Bench User" }),
  });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookie) throw new Error("sign-up set no session cookie");
  for (const key of KEYS) {
    const r = await fetch(`${base}/api/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, cookie },
      body: JSON.stringify(key),
    });
    if (r.status !== 201) throw new Error(`creating a key failed: ${r.status} ${await r.text()}`);
  }
  const list = await fetch(`${base}/api/api-keys`, { headers: { cookie } });
  const body = Buffer.from(await list.arrayBuffer());
  const parsed = JSON.parse(body.toString()) as { apiKeys: unknown[] };
  if (list.status !== 200 || parsed.apiKeys.length !== KEYS.length) throw new Error(`GET /api/api-keys answered ${list.status} with ${parsed.apiKeys?.length} keys`);
  return { cookie, body };
}

type Target = CannonTarget;

interface Measured {
  target: Target;
  totals: Totals;
  mem: { peakRss: number; hwm: number };
}

interface CaseResult {
  dialect: BenchDialect;
  keys: number;
  byName: Map<string, Measured>;
  bodyBytes: number;
}

async function runCase(
  dialect: BenchDialect,
  opts: {
    pgUrl: string;
    keys: number;
    connections: number;
    seconds: number;
    warmSeconds: number;
    rounds: number;
    layers: boolean;
    fromSource: boolean;
    track: (d?: BenchDatabase) => void;
  },
): Promise<CaseResult> {
  const db = await createBenchDatabase(dialect, opts.pgUrl, "http");
  opts.track(db);
  const servers: ChildServer[] = [];
  try {
    if (opts.keys > 0) {
      const rt = await db.runtime();
      await seedKeys({ db, runtime: rt, keys: opts.keys, targetUsers: 10, label: `${dialect} ${fmtInt(opts.keys)}` });
      await rt.close();
    }
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined };
    const keyhaven = await startChild({
      args: [path.join(ROOT, "bin/keyhaven.mjs"), "serve"],
      // The real CLI (dist/ when built and current, else the source through tsx), production
      // mode, default log level (info: one line per request, written to /dev/null here).
      env: {
        ...env,
        ...db.env({ PORT: String(port), HOST: "127.0.0.1", KEYHAVEN_PUBLIC_URL: origin, ...(opts.fromSource ? { KEYHAVEN_FROM_SOURCE: "1" } : {}) }),
      },
      port,
      healthPath: "/api/health",
      cwd: ROOT,
    });
    servers.push(keyhaven);
    const { cookie, body } = await signUpWithKeys(keyhaven.url, origin);
    const bodyFile = path.join(db.dataDir, "api-keys.json");
    fs.writeFileSync(bodyFile, body);
    const reference = async (script: string) => {
      const srv = await startChild({ args: ["--import", "tsx", path.join(ROOT, "bench", script), bodyFile], env, healthPath: "/", cwd: ROOT });
      servers.push(srv);
      const got = Buffer.from(await (await fetch(srv.url + "/api/api-keys")).arrayBuffer());
      if (!got.equals(body)) throw new Error(`${script} does not answer the same bytes`);
      return srv;
    };
    const [bare, hono] = await Promise.all([reference("bare-server.ts"), reference("hono-server.ts")]);

    const headers = { cookie };
    const targets: Target[] = [
      { name: "keyhaven", label: "keyhaven GET /api/api-keys", base: `${keyhaven.url}/api/api-keys`, pid: keyhaven.pid, headers },
      { name: "bare", label: "bare node:http, same bytes", base: `${bare.url}/api/api-keys`, pid: bare.pid, headers },
      { name: "hono", label: "minimal Hono app, same bytes (info)", base: `${hono.url}/api/api-keys`, pid: hono.pid, headers },
      // The same server without session or database: the target's floor (see README).
      { name: "health", label: "keyhaven GET /api/health (info)", base: `${keyhaven.url}/api/health`, pid: keyhaven.pid, headers },
    ];
    if (opts.layers) {
      targets.push({ name: "session", label: "keyhaven GET /api/auth/get-session (info)", base: `${keyhaven.url}/api/auth/get-session`, pid: keyhaven.pid, headers });
    }
    const conn = opts.connections;
    console.log(
      `\n${dialect} · ${opts.keys ? `${fmtInt(opts.keys)} other keys stored + ` : ""}1 user with 10 keys · GET /api/api-keys → ${fmtInt(body.length)} bytes · ` +
        `${conn} connections, ${opts.rounds} × ${opts.seconds} s per server, alternating (after ${opts.warmSeconds} s warm-up each)`,
    );
    const samplers = new Map(servers.map((s) => [s.pid, sampleRss(s.pid)]));
    const totals = await measureAlternating(targets, { connections: conn, seconds: opts.seconds, warmSeconds: opts.warmSeconds, rounds: opts.rounds });
    const mem = new Map([...samplers].map(([pid, s]) => [pid, s.stop()]));
    const byName = new Map<string, Measured>();
    for (const t of targets) {
      const tot = totals.get(t.name)!;
      byName.set(t.name, { target: t, totals: tot, mem: mem.get(t.pid)! });
      console.log(`${totalsLine(t.label, tot, 42)}   peak RSS ${fmtMiB(mem.get(t.pid)!.peakRss)}`);
    }
    return { dialect, keys: opts.keys, byName, bodyBytes: body.length };
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await db.drop();
    opts.track(undefined);
  }
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "sqlite" });
  const quick = flags.quick;
  const keys = intFlag(flags, "keys", 0);
  const opts = {
    pgUrl: flags.pgUrl,
    keys,
    connections: intFlag(flags, "connections", 10),
    seconds: quick ? 0.5 : intFlag(flags, "seconds", 10),
    warmSeconds: quick ? 0.3 : 3,
    rounds: intFlag(flags, "rounds", quick ? 1 : 2),
    layers: flags.raw.get("layers") === "true",
    fromSource: !distState(ROOT).use,
  };
  let current: BenchDatabase | undefined;
  dropOnSignal(() => (current ? [current] : []));
  console.log(`HTTP benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  const dist = distState(ROOT);
  console.log(
    `servers: child processes — keyhaven: bin/keyhaven.mjs serve (${dist.use ? "the dist/ build" : `from source via tsx (${dist.why}; tsx adds ~50 MiB RSS)`}), ` +
      "NODE_ENV=production; references: bench/bare-server.ts, bench/hono-server.ts (via tsx). Load generator: autocannon in this (parent) process.",
  );

  const results: CaseResult[] = [];
  for (const dialect of flags.dbs) results.push(await runCase(dialect, { ...opts, track: (d) => (current = d) }));

  console.log("");
  const verdicts: Verdict[] = [];
  for (const r of results) {
    const kh = r.byName.get("keyhaven")!;
    const bare = r.byName.get("bare")!;
    const hono = r.byName.get("hono")!;
    const stored = r.keys ? ` with ${fmtInt(r.keys)} keys stored` : "";
    console.log(
      `MEMORY ${r.dialect}${stored}: keyhaven server peak RSS ${fmtMiB(kh.mem.peakRss)} (VmHWM ${fmtMiB(kh.mem.hwm)}); ` +
        `bare ${fmtMiB(bare.mem.peakRss)}, minimal Hono ${fmtMiB(hono.mem.peakRss)}`,
    );
    console.log(`P99 ${r.dialect}${stored}: keyhaven ${ms(worst(kh.totals.p99s))}, bare ${ms(worst(bare.totals.p99s))}, minimal Hono ${ms(worst(hono.totals.p99s))}`);
    verdicts.push(ratioLine(`throughput minimal-Hono/bare ${r.dialect}${stored}`, rps(hono.totals) / rps(bare.totals), undefined, quick));
    verdicts.push(
      ratioLine(`throughput keyhaven GET /api/health (no session, no database)/bare ${r.dialect}${stored}`, rps(r.byName.get("health")!.totals) / rps(bare.totals), undefined, quick),
    );
    verdicts.push(ratioLine(`throughput keyhaven/bare GET /api/api-keys ${r.dialect}${stored}`, rps(kh.totals) / rps(bare.totals), undefined, quick));
    // Server CPU per request does not depend on how busy the rest of the box is: bare/keyhaven is
    // the throughput ratio to expect when both servers have a core to themselves.
    verdicts.push(
      ratioLine(
        `server CPU per request bare/keyhaven ${r.dialect}${stored}`,
        cpuPerReq(bare.totals) / cpuPerReq(kh.totals),
        undefined,
        quick,
        3,
      ),
    );
  }
  for (const r of results) {
    const stored = r.keys ? ` with ${fmtInt(r.keys)} keys stored` : "";
    // The target: the signed-in route against the same server's /api/health, measured alternately
    // in the same run — the session check, the query and the answer on top of the shared stack.
    verdicts.push(
      ratioLine(
        `throughput keyhaven GET /api/api-keys (signed-in, cookie)/GET /api/health ${r.dialect}${stored}`,
        rps(r.byName.get("keyhaven")!.totals) / rps(r.byName.get("health")!.totals),
        { op: ">=", value: 0.8 },
        quick,
      ),
    );
  }
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
