/**
 * Gateway benchmark: Keyhaven's OpenAI gateway (`/gateway/openai/v1/chat/completions` with
 * `Authorization: Bearer kh_…`, metering and a budget on) against the floor of any proxy — a bare
 * `node:http` proxy written by hand — and against Portkey's open-source gateway, all forwarding to
 * the same fake OpenAI upstream on loopback, in the same run.
 *
 *   npx tsx bench/gateway.ts [--quick] [--no-portkey] [--db sqlite|postgres] [--cpu-prof <dir>]
 *       [--seconds 10] [--rounds 2] [--connections 50] [--latency-requests 2000]
 *       [--stream-requests 100] [--chunks 20] [--chunk-delay-ms 5] [--stream-seconds 60]
 *       [--portkey-version 1.15.2] [--pg-url postgres://…] [--heap-snapshots <dir>]
 *
 * Targets, each a child process; autocannon and the timing client run in this (parent) process:
 *   (a) direct: the fake upstream itself (bench/fake-openai.ts), as information;
 *   (b) bare proxy (bench/bare-proxy.ts): keep-alive pool, request and answer piped, the
 *       Authorization header swapped — the floor;
 *   (c) Keyhaven (`bin/keyhaven.mjs serve`, KEYHAVEN_OPENAI_BASE_URL at the fake upstream): a user
 *       signed up, an openai key stored with a budget (`PUT /api/api-keys/:id {limits}`), a token
 *       with the `resolve` scope. Until the gateway exists it answers 404: the run says
 *       "gateway not available (404)", measures the others and fails the targets that need it;
 *   (d) Portkey (`@portkey-ai/gateway`, installed by this script into
 *       os.tmpdir()/keyhaven-bench-portkey on first use, never a dependency of the project) with
 *       `x-portkey-provider: openai` + `x-portkey-custom-host`.
 * Every target is first checked to really forward (the upstream counts completions per
 * Authorization header: the stored key for (c), the upstream key for (b) and (d)), once and under
 * load.
 *
 * Measurements: (1) throughput, non-streamed, autocannon, alternating rounds after a warm-up;
 * (2) one request at a time (client-side hrtime), alternating slices: added latency of (c) over
 * (b), p50 and p99; (3) time to the first streamed chunk, one at a time, (c) vs (b) (the upstream
 * sends its first chunk at once and the others `--chunk-delay-ms` apart); (4) RSS sampled over a
 * `--stream-seconds` streaming run under load, the bare proxy's (information) then Keyhaven's: the
 * median of the last 10 s against the first 10 s after a warm-up of a third of the run.
 *
 * The last lines are the ratios, each marked PASS/FAIL against its target (--quick: not enforced).
 * Exit code 1 when a full-size target fails (or cannot be measured), 2 on an error.
 */
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createBenchDatabase,
  dropOnSignal,
  fmtInt,
  fmtMs,
  intFlag,
  machineLine,
  parseFlags,
  ratioLine,
  sleep,
  type BenchDatabase,
  type BenchDialect,
  type Verdict,
} from "./lib/common.js";
import { cannon, measureAlternating, rps, totalsLine, type CannonTarget, type Totals } from "./lib/cannon.js";
import { signUpWithToken } from "./lib/keyhaven-user.js";
import { sequential, timedRequest, type SequentialResult, type SequentialTarget } from "./lib/one-at-a-time.js";
import { ensurePortkey, PORTKEY_DEFAULT_VERSION, PORTKEY_PACKAGE, portkeyHeaders, startPortkey } from "./lib/portkey.js";
import { distState, fmtMiB, freePort, procMemory, startChild, type ChildServer } from "./lib/servers.js";
import { RandomPool } from "./seed.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const GATEWAY_PATH = "/gateway/openai/v1/chat/completions";
const UPSTREAM_PATH = "/v1/chat/completions";
const BUDGET = { limits: { budget: { usd: 1_000_000, period: "month" }, requestsPerMinute: null, tokensPerMinute: null } };

const REQUEST = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a concise assistant." },
    { role: "user", content: "In one sentence: what does an API key manager do?" },
  ],
  max_tokens: 64,
  temperature: 0.2,
};
const BODY = JSON.stringify(REQUEST);
const STREAM_BODY = JSON.stringify({ ...REQUEST, stream: true, stream_options: { include_usage: true } });
const JSON_HEADERS = { "content-type": "application/json" };

type Name = "direct" | "bare" | "keyhaven" | "portkey";
const LABELS: Record<Name, string> = {
  direct: "(a) direct to the fake upstream (info)",
  bare: "(b) bare node:http proxy (floor)",
  keyhaven: "(c) keyhaven gateway, metering + budget",
  portkey: "(d) portkey gateway",
};

interface Target {
  name: Name;
  server: ChildServer;
  url: string;
  headers: Record<string, string>;
  /** The Authorization the upstream must see from this target. */
  upstreamAuth: string;
}

// ---------------------------------------------------------------- upstream bookkeeping

interface UpstreamStats {
  served: number;
  byAuth: Record<string, number>;
}

async function upstreamStats(upstream: ChildServer): Promise<UpstreamStats> {
  return (await (await fetch(`${upstream.url}/stats`)).json()) as UpstreamStats;
}

/**
 * The upstream's count once it stops moving: requests cut off when a run ends may still be on
 * their way through a proxy (under load, for longer than one would guess), and would otherwise be
 * counted against the next target.
 */
async function settledStats(upstream: ChildServer): Promise<UpstreamStats> {
  let last = await upstreamStats(upstream);
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const now = await upstreamStats(upstream);
    if (now.served === last.served) return now;
    last = now;
  }
  throw new Error("the upstream kept serving for 10 s after the load stopped");
}

/** What the upstream served between two readings, and how many of those carried `auth`. */
const served = (a: UpstreamStats, b: UpstreamStats, auth: string) => ({ all: b.served - a.served, withAuth: (b.byAuth[auth] ?? 0) - (a.byAuth[auth] ?? 0) });

/** One request through `t`, checked at the upstream: exactly one completion served, with the right key. */
async function checkForwards(t: Target, upstream: ChildServer, body: string): Promise<{ status: number; text: string; events: number; reads: number }> {
  const before = await settledStats(upstream);
  const agent = new http.Agent({ keepAlive: false });
  const r = await timedRequest(agent, { url: t.url, headers: t.headers, body });
  agent.destroy();
  if (r.status !== 200) return { status: r.status, text: r.body.slice(0, 300), events: 0, reads: r.reads };
  const seen = served(before, await upstreamStats(upstream), t.upstreamAuth);
  if (seen.all !== 1 || seen.withAuth !== 1) {
    throw new Error(`${LABELS[t.name]}: answered 200 but the upstream served ${seen.all} completions (${seen.withAuth} with the expected key)`);
  }
  return { status: 200, text: r.body, events: r.sseEvents, reads: r.reads };
}

// ---------------------------------------------------------------- keyhaven

interface KeyhavenSide {
  server: ChildServer;
  token: string;
  keyValue: string;
  /** What `PUT /api/api-keys/:id {limits}` answered: "set" or why not. */
  budget: string;
}

/** Whether an answer holds a `budget` (at any depth) that carries our amount. */
function echoesBudget(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => (k === "budget" && JSON.stringify(v).includes(String(BUDGET.limits.budget.usd))) || echoesBudget(v));
}

async function startKeyhaven(db: BenchDatabase, upstreamUrl: string, fromSource: boolean, cpuProf?: string, heapDir?: string): Promise<KeyhavenSide> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startChild({
    args: [
      ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : []),
      ...(heapDir ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${heapDir}`] : []),
      path.join(ROOT, "bin/keyhaven.mjs"),
      "serve",
    ],
    env: {
      ...process.env,
      DATABASE_URL: undefined,
      ...db.env({
        PORT: String(port),
        HOST: "127.0.0.1",
        KEYHAVEN_PUBLIC_URL: origin,
        KEYHAVEN_OPENAI_BASE_URL: `${upstreamUrl}/v1`,
        ...(fromSource ? { KEYHAVEN_FROM_SOURCE: "1" } : {}),
      }),
    },
    port,
    healthPath: "/api/health",
    cwd: ROOT,
  });
  const keyValue = `sk-proj-${new RandomPool().text(36)}`;
  const user = await signUpWithToken(server.url, origin, { service: "openai", value: keyValue, scopes: ["resolve"] });
  const put = await fetch(`${server.url}/api/api-keys/${user.keyId}`, {
    method: "PUT",
    headers: { "content-type": "application/json", origin, cookie: user.cookie },
    body: JSON.stringify(BUDGET),
  });
  const answer = await put.text();
  // A route that drops unknown fields answers 200 without them: only an echoed budget counts as set.
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(answer);
  } catch {
    /* not JSON: not echoed */
  }
  const echoed = put.ok && echoesBudget(parsed);
  const budget = echoed ? "set" : `not set (PUT answered ${put.status}${put.ok ? " without the budget" : `: ${answer.replace(/\s+/g, " ").slice(0, 120)}`})`;
  return { server, token: user.token, keyValue, budget };
}

// ---------------------------------------------------------------- phases

/** A short autocannon burst per target that must reach the upstream once per answer, with the right key. */
async function checkUnderLoad(targets: Target[], upstream: ChildServer, opts: { connections: number; seconds: number }): Promise<string[]> {
  const lines: string[] = [];
  for (const t of targets) {
    const before = await settledStats(upstream);
    const r = await cannon({ base: t.url, headers: { ...JSON_HEADERS, ...t.headers }, method: "POST", body: BODY }, opts);
    const seen = served(before, await settledStats(upstream), t.upstreamAuth);
    const answered = r.requests.total;
    if (r.non2xx || r.errors) throw new Error(`${LABELS[t.name]}: ${r.non2xx} non-2xx answers and ${r.errors} errors in the forwarding check`);
    if (r.timeouts) lines.push(`${t.name} ${r.timeouts} timeouts (10 s)`);
    // Sent but unanswered at the deadline: the proxy may still have forwarded them.
    const sent = r.requests.sent ?? answered + opts.connections;
    if (seen.withAuth !== seen.all || seen.all < answered || seen.all > sent) {
      throw new Error(`${LABELS[t.name]}: ${fmtInt(answered)} answers but the upstream served ${fmtInt(seen.all)} (${fmtInt(seen.withAuth)} with the expected key)`);
    }
    lines.push(`${t.name} ${fmtInt(answered)} answered, ${fmtInt(seen.all)} served upstream, ${fmtInt(sent)} sent`);
  }
  return lines;
}

interface RssRun {
  on: Name;
  samples: { t: number; rss: number }[];
  first: number;
  last: number;
  peak: number;
  requests: number;
  bad: number;
  windowSeconds: number;
  warmSeconds: number;
}

const secs = (s: number) => (Number.isInteger(s) ? String(s) : s.toFixed(1));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** Streams under load for `seconds` against one target while sampling its RSS every 250 ms. */
async function rssRun(t: Target, upstream: ChildServer, opts: { connections: number; seconds: number; heapSnapshots?: boolean }): Promise<RssRun> {
  // A third of the run as warm-up: V8 sizes its heap in steps during the first tens of seconds
  // under load (the bare proxy took a one-off 94 → 108 MiB step at 22 s of a 60 s run).
  const warmSeconds = opts.seconds / 3;
  const windowSeconds = Math.min(10, opts.seconds / 6);
  const samples: { t: number; rss: number }[] = [];
  const t0 = performance.now();
  const tick = () => {
    const m = procMemory(t.server.pid);
    if (m) samples.push({ t: (performance.now() - t0) / 1000, rss: m.rss });
  };
  tick();
  const timer = setInterval(tick, 250);
  // --heap-snapshots: one at the end of the warm-up, one at the end (writing one stalls the server: diagnosis only).
  const snap = () => process.kill(t.server.pid, "SIGUSR2");
  const snapTimers = opts.heapSnapshots ? [setTimeout(snap, warmSeconds * 1000), setTimeout(snap, (opts.seconds - 1) * 1000)] : [];
  const before = await settledStats(upstream);
  const r = await cannon({ base: t.url, headers: { ...JSON_HEADERS, ...t.headers }, method: "POST", body: STREAM_BODY }, opts);
  clearInterval(timer);
  snapTimers.forEach(clearTimeout);
  tick();
  const seen = served(before, await settledStats(upstream), t.upstreamAuth);
  if (seen.all < r.requests.total) throw new Error(`streaming run on ${t.name}: ${r.requests.total} answers but the upstream served ${seen.all}`);
  const end = samples.at(-1)!.t;
  const inWindow = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss);
  return {
    on: t.name,
    samples,
    first: median(inWindow(warmSeconds, warmSeconds + windowSeconds)),
    last: median(inWindow(end - windowSeconds, end)),
    peak: Math.max(...samples.map((s) => s.rss)),
    requests: r.requests.total,
    bad: r.non2xx + r.errors + r.timeouts,
    windowSeconds,
    warmSeconds,
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "sqlite" });
  if (flags.dbs.length !== 1) throw new Error("--db must be sqlite or postgres (one server per run)");
  const dialect: BenchDialect = flags.dbs[0];
  const quick = flags.quick;
  const opts = {
    seconds: quick ? 0.5 : intFlag(flags, "seconds", 10),
    rounds: intFlag(flags, "rounds", quick ? 1 : 2),
    warmSeconds: quick ? 0.3 : 3,
    checkSeconds: quick ? 0.3 : 2,
    connections: intFlag(flags, "connections", 50),
    latencyRequests: intFlag(flags, "latency-requests", quick ? 200 : 2000),
    streamRequests: intFlag(flags, "stream-requests", quick ? 10 : 100),
    chunks: intFlag(flags, "chunks", 20),
    chunkDelayMs: intFlag(flags, "chunk-delay-ms", 5),
    streamSeconds: intFlag(flags, "stream-seconds", quick ? 3 : 60),
    portkey: !flags.raw.has("no-portkey"),
    portkeyVersion: flags.raw.get("portkey-version") ?? PORTKEY_DEFAULT_VERSION,
    cpuProf: flags.raw.has("cpu-prof") ? path.resolve(flags.raw.get("cpu-prof")!) : undefined,
    heapDir: flags.raw.has("heap-snapshots") ? path.resolve(flags.raw.get("heap-snapshots")!) : undefined,
  };
  const started = performance.now();
  const dist = distState(ROOT);
  console.log(`gateway benchmark${quick ? " (--quick)" : ""} · ${machineLine()}`);
  console.log(
    `upstream: bench/fake-openai.ts (${opts.chunks} chunks ${opts.chunkDelayMs} ms apart when streaming); floor: bench/bare-proxy.ts; ` +
      `keyhaven: bin/keyhaven.mjs serve (${dist.use ? "the dist/ build" : `from source via tsx (${dist.why})`}), NODE_ENV=production, ${dialect}; ` +
      `${opts.portkey ? `portkey: ${PORTKEY_PACKAGE}@${opts.portkeyVersion}` : "portkey: skipped (--no-portkey)"}; every one a child process, the load generator in this one.`,
  );

  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined };
  const servers: ChildServer[] = [];
  let db: BenchDatabase | undefined;
  dropOnSignal(() => (db ? [db] : []));
  const verdicts: Verdict[] = [];
  try {
    const tsx = (script: string, ...args: string[]) =>
      startChild({ args: ["--import", "tsx", path.join(ROOT, "bench", script), ...args], env, healthPath: "/health", cwd: ROOT });
    const upstream = await tsx("fake-openai.ts", String(opts.chunks), String(opts.chunkDelayMs));
    servers.push(upstream);
    const upstreamKey = `sk-proj-${new RandomPool().text(36)}`;
    const bare = await tsx("bare-proxy.ts", upstream.url, upstreamKey);
    servers.push(bare);

    db = await createBenchDatabase(dialect, flags.pgUrl, "gateway");
    const kh = await startKeyhaven(db, upstream.url, !dist.use, opts.cpuProf, opts.heapDir);
    servers.push(kh.server);

    let portkeyNote = "skipped (--no-portkey)";
    let portkey: ChildServer | undefined;
    if (opts.portkey) {
      const install = await ensurePortkey(opts.portkeyVersion);
      portkeyNote = `${PORTKEY_PACKAGE}@${install.version} in ${install.dir} (${install.installSeconds === null ? "already installed" : `npm install took ${install.installSeconds.toFixed(1)} s`})`;
      portkey = await startPortkey(install, env);
      servers.push(portkey);
    }
    console.log(`portkey: ${portkeyNote}`);

    const bearerKh = { authorization: `Bearer ${kh.token}` };
    const all: Target[] = [
      { name: "direct", server: upstream, url: upstream.url + UPSTREAM_PATH, headers: { authorization: `Bearer ${upstreamKey}` }, upstreamAuth: `Bearer ${upstreamKey}` },
      // Same URL path and the same kh_ token as (c): the two get byte-identical requests.
      { name: "bare", server: bare, url: bare.url + GATEWAY_PATH, headers: bearerKh, upstreamAuth: `Bearer ${upstreamKey}` },
      { name: "keyhaven", server: kh.server, url: kh.server.url + GATEWAY_PATH, headers: bearerKh, upstreamAuth: `Bearer ${kh.keyValue}` },
      ...(portkey
        ? [{ name: "portkey" as const, server: portkey, url: portkey.url + UPSTREAM_PATH, headers: portkeyHeaders(`${upstream.url}/v1`, upstreamKey), upstreamAuth: `Bearer ${upstreamKey}` }]
        : []),
    ];
    for (const t of all) t.headers = { ...JSON_HEADERS, ...t.headers };

    // One request each, non-streamed and streamed: who forwards, with which key, chunk by chunk.
    const expectedEvents = opts.chunks + 2; // content chunks, the usage chunk, [DONE]
    let gatewayMissing: string | undefined;
    const live: Target[] = [];
    /** Those whose stream came whole: only they are timed streaming (phase 3). */
    const streaming: Target[] = [];
    const streamNotes: string[] = [];
    for (const t of all) {
      const plain = await checkForwards(t, upstream, BODY);
      if (plain.status !== 200) {
        if (t.name !== "keyhaven") throw new Error(`${LABELS[t.name]} answered ${plain.status}: ${plain.text}`);
        gatewayMissing = plain.status === 404 ? "gateway not available (404)" : `gateway not available (${plain.status}: ${plain.text})`;
        console.log(`keyhaven: ${gatewayMissing} at POST ${GATEWAY_PATH}; measuring the others only`);
        continue;
      }
      live.push(t);
      const streamed = await checkForwards(t, upstream, STREAM_BODY).catch((err: Error) => ({ status: -1, text: err.message, events: 0, reads: 0 }));
      if (streamed.status === 200 && streamed.events === expectedEvents) {
        streaming.push(t);
        streamNotes.push(`${t.name} ok (${streamed.events} events in ${streamed.reads} reads)`);
      }
      else if (streamed.status === 200) streamNotes.push(`${t.name} INCOMPLETE (${streamed.events} of ${expectedEvents} events)`);
      else streamNotes.push(`${t.name} FAILED (${streamed.status}: ${streamed.text.replace(/\s+/g, " ").slice(0, 160)})`);
    }
    console.log(`keyhaven budget: ${kh.budget}`);
    console.log(`streaming check (one request each, ${expectedEvents} SSE events expected): ${streamNotes.join("; ")}`);
    const has = (n: Name) => live.some((t) => t.name === n);
    const target = (n: Name) => live.find((t) => t.name === n)!;

    // 1. Throughput, non-streamed.
    const conn = opts.connections;
    console.log(`\n1. throughput, non-streamed POST ${UPSTREAM_PATH} · ${conn} connections, pipelining 1, ${opts.rounds} × ${opts.seconds} s per target, alternating (after ${opts.warmSeconds} s warm-up each)`);
    console.log(`  forwarding under load (${opts.checkSeconds} s each): ${(await checkUnderLoad(live, upstream, { connections: conn, seconds: opts.checkSeconds })).join("; ")}`);
    const cannonTargets: (CannonTarget & { name: Name })[] = live.map((t) => ({
      name: t.name,
      label: LABELS[t.name],
      base: t.url,
      pid: t.server.pid,
      headers: t.headers,
      method: "POST",
      body: BODY,
    }));
    const totals = await measureAlternating(cannonTargets, {
      connections: conn,
      seconds: opts.seconds,
      warmSeconds: opts.warmSeconds,
      rounds: opts.rounds,
      tolerate: (n) => n === "portkey",
    });
    for (const t of cannonTargets) {
      const tot = totals.get(t.name)!;
      console.log(totalsLine(t.label, tot, 42) + (tot.bad ? `   ${fmtInt(tot.bad)} non-2xx, errors or timeouts (10 s)` : ""));
    }
    const thr = (n: Name): Totals | undefined => totals.get(n);

    // 2. One request at a time.
    const seqTargets = (body: string, of = live): SequentialTarget[] => of.map((t) => ({ name: t.name, url: t.url, headers: t.headers, body }));
    console.log(`\n2. one request at a time, non-streamed · ${fmtInt(opts.latencyRequests)} per target, 10 alternating slices, client-side hrtime`);
    const lat = await sequential(seqTargets(BODY), { perTarget: opts.latencyRequests, slices: 10 });
    const st = (r: SequentialResult) => r.total.stats(1);
    for (const t of live) {
      const s = st(lat.get(t.name)!);
      console.log(`  ${LABELS[t.name].padEnd(42)} p50 ${fmtMs(s.p50).padStart(8)}   p99 ${fmtMs(s.p99).padStart(8)}   max ${fmtMs(s.max).padStart(8)}`);
    }

    // 3. Time to the first streamed chunk.
    const notStreaming = live.filter((t) => !streaming.includes(t)).map((t) => t.name);
    console.log(
      `\n3. streamed, one at a time · ${fmtInt(opts.streamRequests)} per target, 5 alternating slices · first chunk and whole stream, client-side hrtime` +
        (notStreaming.length ? ` · left out (their stream check failed): ${notStreaming.join(", ")}` : ""),
    );
    const streams = await sequential(seqTargets(STREAM_BODY, streaming), {
      perTarget: opts.streamRequests,
      slices: 5,
      check: (_t, r) => (r.sseEvents === expectedEvents ? undefined : `streamed ${r.sseEvents} of ${expectedEvents} SSE events`),
    });
    for (const t of streaming) {
      const r = streams.get(t.name)!;
      const first = r.firstChunk.stats(1);
      const whole = r.total.stats(1);
      console.log(
        `  ${LABELS[t.name].padEnd(42)} first chunk p50 ${fmtMs(first.p50).padStart(8)}  p99 ${fmtMs(first.p99).padStart(8)}   ` +
          `whole stream p50 ${fmtMs(whole.p50).padStart(8)}   reads per stream (median) ${median(r.reads)}`,
      );
    }

    // 4. Memory under a streaming load: the floor first (what "flat" looks like here), then Keyhaven.
    const khStreams = streaming.some((t) => t.name === "keyhaven");
    const rssRuns = new Map<Name, RssRun>();
    for (const on of khStreams ? (["bare", "keyhaven"] as const) : (["bare"] as const)) {
      console.log(
        `\n4${on === "bare" ? "a" : "b"}. RSS of ${LABELS[on]} over ${opts.streamSeconds} s of streaming · ${conn} connections` +
          (on === "bare" ? " (information: the floor's own curve)" : ""),
      );
      const rss = await rssRun(target(on), upstream, { connections: conn, seconds: opts.streamSeconds, heapSnapshots: on === "keyhaven" && opts.heapDir !== undefined });
      if (rss.bad) throw new Error(`streaming run on ${rss.on}: ${rss.bad} non-2xx answers, errors or timeouts`);
      rssRuns.set(on, rss);
      console.log(
        `  ${fmtInt(rss.requests)} streams · RSS median ${secs(rss.warmSeconds)}–${secs(rss.warmSeconds + rss.windowSeconds)} s ${fmtMiB(rss.first)}, ` +
          `last ${secs(rss.windowSeconds)} s ${fmtMiB(rss.last)}, peak ${fmtMiB(rss.peak)} (${rss.samples.length} samples)`,
      );
      const trace = rss.samples.filter((_, i) => i % Math.max(1, Math.floor(rss.samples.length / 12)) === 0);
      console.log(`  RSS over time: ${trace.map((x) => `${secs(Math.round(x.t * 10) / 10)} s ${fmtMiB(x.rss)}`).join(", ")}`);
    }
    const rssBare = rssRuns.get("bare")!;
    const rssKh = rssRuns.get("keyhaven");

    // Ratios.
    console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const missing = (what: string, targetText: string): Verdict => ({
      line: `RATIO ${what}: n/a — ${gatewayMissing ?? "not measured"} (target ${targetText}) ${quick ? "n/a (quick: thresholds not enforced)" : "FAIL"}`,
      failed: !quick,
    });
    const r = (a: Name, b: Name) => rps(thr(a)!) / rps(thr(b)!);
    verdicts.push(ratioLine("throughput bare proxy/direct", r("bare", "direct"), undefined, quick));
    if (has("portkey")) verdicts.push(ratioLine("throughput portkey/bare proxy", r("portkey", "bare"), undefined, quick));
    const p = (n: Name, q: "p50" | "p99", from: Map<string, SequentialResult>, pick: (r: SequentialResult) => SequentialResult["total"]) => pick(from.get(n)!).stats(1)[q];
    if (has("portkey")) {
      verdicts.push(ratioLine("added latency p50 portkey over bare proxy (ms)", p("portkey", "p50", lat, (x) => x.total) - p("bare", "p50", lat, (x) => x.total), undefined, quick, 3));
    }
    verdicts.push(ratioLine(`RSS last/first ${secs(rssBare.windowSeconds)} s median bare proxy streaming`, rssBare.last / rssBare.first, undefined, quick));
    verdicts.push(ratioLine("added latency p50 bare proxy over direct (ms)", p("bare", "p50", lat, (x) => x.total) - p("direct", "p50", lat, (x) => x.total), undefined, quick, 3));
    if (!has("keyhaven")) {
      verdicts.push(missing("throughput keyhaven gateway/bare proxy", ">= 0.6"));
      verdicts.push(missing("throughput keyhaven gateway/portkey", ">= 20"));
      verdicts.push(missing("added latency p50 keyhaven gateway over bare proxy", "< 0.3 ms"));
      verdicts.push(missing("added latency p99 keyhaven gateway over bare proxy", "< 1 ms"));
      verdicts.push(missing("first streamed chunk p50 keyhaven gateway minus bare proxy", "< 1 ms"));
      verdicts.push(missing("RSS last/first median keyhaven gateway streaming", "<= 1.1"));
    } else {
      const total = (x: SequentialResult) => x.total;
      const firstChunk = (x: SequentialResult) => x.firstChunk;
      const streamFailed = (what: string, targetText: string): Verdict => ({
        line: `RATIO ${what}: n/a — its stream check failed (${streamNotes.find((n) => n.startsWith("keyhaven")) ?? "?"}) (target ${targetText}) ${quick ? "n/a (quick: thresholds not enforced)" : "FAIL"}`,
        failed: !quick,
      });
      if (khStreams) {
        verdicts.push(ratioLine("first streamed chunk p99 keyhaven gateway minus bare proxy (ms)", p("keyhaven", "p99", streams, firstChunk) - p("bare", "p99", streams, firstChunk), undefined, quick, 3));
      }
      verdicts.push(ratioLine("throughput keyhaven gateway/bare proxy", r("keyhaven", "bare"), { op: ">=", value: 0.6 }, quick));
      if (has("portkey")) verdicts.push(ratioLine("throughput keyhaven gateway/portkey", r("keyhaven", "portkey"), { op: ">=", value: 20 }, quick));
      else verdicts.push({ line: `RATIO throughput keyhaven gateway/portkey: n/a — portkey skipped (--no-portkey) (target >= 20) n/a`, failed: false });
      verdicts.push(ratioLine("added latency p50 keyhaven gateway over bare proxy", p("keyhaven", "p50", lat, total) - p("bare", "p50", lat, total), { op: "<", value: 0.3, unit: " ms" }, quick, 3));
      verdicts.push(ratioLine("added latency p99 keyhaven gateway over bare proxy", p("keyhaven", "p99", lat, total) - p("bare", "p99", lat, total), { op: "<", value: 1, unit: " ms" }, quick, 3));
      if (khStreams) {
        verdicts.push(
          ratioLine("first streamed chunk p50 keyhaven gateway minus bare proxy", p("keyhaven", "p50", streams, firstChunk) - p("bare", "p50", streams, firstChunk), { op: "<", value: 1, unit: " ms" }, quick, 3),
        );
        verdicts.push(ratioLine(`RSS last/first ${secs(rssKh!.windowSeconds)} s median keyhaven gateway streaming`, rssKh!.last / rssKh!.first, { op: "<=", value: 1.1 }, quick));
      } else {
        verdicts.push(streamFailed("first streamed chunk p50 keyhaven gateway minus bare proxy", "< 1 ms"));
        verdicts.push(streamFailed("RSS last/first median keyhaven gateway streaming", "<= 1.1"));
      }
      if (kh.budget !== "set") verdicts.push({ line: `RATIO keyhaven budget: ${kh.budget} (target: set) ${quick ? "n/a (quick: thresholds not enforced)" : "FAIL"}`, failed: !quick });
    }
  } finally {
    for (const s of servers.reverse()) await s.stop().catch(() => {});
    await db?.drop().catch(() => {});
  }
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
