/**
 * A reference point between the floor and Keyhaven: the same framework Keyhaven uses (Hono on
 * @hono/node-server) with one route answering the same JSON bytes, no middleware, no auth, no
 * database. Shows how much of the gap to bare node:http is the framework itself.
 *   node --import tsx bench/hono-server.ts <body-file>      → prints {"port":N}
 */
import fs from "node:fs";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const body = fs.readFileSync(process.argv[2] ?? "");
const app = new Hono();
app.get("*", (c) => c.body(body, 200, { "content-type": "application/json" }));
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(JSON.stringify({ port: info.port }) + "\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
