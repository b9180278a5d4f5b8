/**
 * The floor for any proxy in bench/gateway.ts: a hand-written `node:http` reverse proxy that does
 * the least a key-swapping gateway must — pipe the request to the upstream over a keep-alive pool
 * with the Authorization header replaced, pipe the answer back as it comes (SSE chunk by chunk).
 * No parsing, no metering, no checks. Started as a child:
 *   node --import tsx bench/bare-proxy.ts <upstream-origin> <upstream-key>
 * `/gateway/openai/v1/…` is forwarded as `/v1/…` (so it answers the same URL as Keyhaven's
 * gateway), any other path as is. Prints `{"port":N}` on stdout once listening.
 */
import http from "node:http";

const upstream = new URL(process.argv[2] ?? "");
const authorization = `Bearer ${process.argv[3] ?? ""}`;
const PREFIX = "/gateway/openai";
const agent = new http.Agent({ keepAlive: true });
// Hop-by-hop: they describe this connection, not the message.
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"]);

const server = http.createServer((req, res) => {
  const url = req.url ?? "/";
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  headers.host = upstream.host;
  headers.authorization = authorization;
  const out = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: url.startsWith(PREFIX + "/") ? url.slice(PREFIX.length) : url, headers, agent },
    (answer) => {
      const back: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!HOP.has(k)) back[k] = v;
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    },
  );
  out.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
