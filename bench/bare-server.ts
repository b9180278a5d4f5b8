/**
 * The HTTP floor: a bare `node:http` server answering every request with the same JSON bytes
 * Keyhaven returned (`GET /api/api-keys` for bench/http.ts, `GET /api/resolve/openai` for
 * bench/resolve.ts). Started as a child:
 *   node --import tsx bench/bare-server.ts <body-file> [<headers-file>]
 * `<headers-file>`: optional JSON object of extra response headers (bench/resolve.ts passes the
 * headers Keyhaven answered with, so both send about the same bytes).
 * Prints `{"port":N}` on stdout once listening.
 */
import fs from "node:fs";
import http from "node:http";

const body = fs.readFileSync(process.argv[2] ?? "");
const extra = process.argv[3] ? (JSON.parse(fs.readFileSync(process.argv[3], "utf8")) as Record<string, string>) : {};
const headers = { ...extra, "content-type": "application/json", "content-length": body.length };
const server = http.createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
