/**
 * The fake upstream of bench/gateway.ts: OpenAI's `POST /v1/chat/completions` on loopback, as a
 * child process so that it does not share an event loop with the load generator.
 *   node --import tsx bench/fake-openai.ts <chunks> <chunk-delay-ms>
 * A request answers a small realistic `chat.completion` with `usage`; with `"stream": true` an SSE
 * stream of <chunks> content chunks (the first at once, then one every <chunk-delay-ms>), a usage
 * chunk and `data: [DONE]`. `GET /stats` answers how many completions it served and, per
 * Authorization header, how many came with it: how the bench proves that a proxy really forwarded,
 * with the key it should. Prints `{"port":N}` on stdout once listening.
 */
import http from "node:http";

const CHUNKS = Number(process.argv[2] ?? 20);
const CHUNK_DELAY_MS = Number(process.argv[3] ?? 5);
const MODEL = "gpt-4o-mini-2024-07-18";
const USAGE = { prompt_tokens: 19, completion_tokens: CHUNKS, total_tokens: 19 + CHUNKS, prompt_tokens_details: { cached_tokens: 0 } };

let served = 0;
const byAuth = new Map<string, number>();

const completion = (id: string, created: number) =>
  JSON.stringify({
    id,
    object: "chat.completion",
    created,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Keyhaven keeps API keys in one place, encrypted, and hands them to apps that ask.", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: USAGE,
    service_tier: "default",
    system_fingerprint: "fp_0ba0d124f1",
  });

const chunk = (id: string, created: number, choices: unknown[], usage: unknown = null) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: MODEL, system_fingerprint: "fp_0ba0d124f1", choices, usage })}\n\n`;

function stream(res: http.ServerResponse, id: string, created: number): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": id });
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < CHUNKS) {
      const delta = i === 0 ? { role: "assistant", content: "word ", refusal: null } : { content: "word " };
      res.write(chunk(id, created, [{ index: 0, delta, logprobs: null, finish_reason: i === CHUNKS - 1 ? "stop" : null }]));
      i++;
      if (CHUNK_DELAY_MS > 0) setTimeout(next, CHUNK_DELAY_MS);
      else setImmediate(next);
      return;
    }
    res.end(chunk(id, created, [], USAGE) + "data: [DONE]\n\n");
  };
  next();
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") return res.end("ok");
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ served, byAuth: Object.fromEntries(byAuth) }));
  }
  if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
    res.writeHead(404, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } }));
  }
  const parts: Buffer[] = [];
  req.on("data", (d: Buffer) => parts.push(d));
  req.on("end", () => {
    served++;
    const auth = req.headers.authorization ?? "";
    byAuth.set(auth, (byAuth.get(auth) ?? 0) + 1);
    let wantsStream = false;
    try {
      wantsStream = (JSON.parse(Buffer.concat(parts).toString()) as { stream?: boolean }).stream === true;
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { message: "body is not JSON", type: "invalid_request_error" } }));
    }
    const id = `chatcmpl-${served.toString(36).padStart(10, "0")}`;
    const created = Math.floor(Date.now() / 1000);
    if (wantsStream) return stream(res, id, created);
    const body = completion(id, created);
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "openai-processing-ms": "312",
      "openai-version": "2020-10-01",
      "x-request-id": id,
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000; // the proxies' pools keep their sockets; a closing upstream would add reconnects to one of them
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
