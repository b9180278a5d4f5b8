/**
 * The HTTP floor: a bare `node:http` server answering every request with the same JSON bytes
 * Keyhaven returned for `GET /api/api-keys`. Started as a child by bench/http.ts:
 *   node --import tsx bench/bare-server.ts <body-file>
 * Prints `{"port":N}` on stdout once listening.
 */
import fs from "node:fs";
import http from "node:http";

const body = fs.readFileSync(process.argv[2] ?? "");
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
