/**
 * A hostile "provider" on 127.0.0.1: every path answers with a body built to hurt the client
 * that parses it (see HOSTILE_BODIES). Point a custom key's base URL at `url + "/<name>"`; the
 * tester then asks for `/<name>/models`. `endless` answers never end: the server keeps writing
 * (with backpressure, so it costs little CPU itself) until the client hangs up, and
 * `closedEarly` records each answer the client cut off.
 */
import http from "node:http";
import { listenOnLoopback } from "./loopback-server.js";

const SIZE = 64 * 1024;

/** `unit` repeated to `size` bytes (ASCII units). */
const fill = (unit: string, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/**
 * Bodies that make a naive parser explode: unclosed XML tags (a lazy `<Message>([\s\S]*?)</Message>`
 * rescans the rest of the body from each one: quadratic), deep JSON nesting, a JSON message
 * as long as the body, text a key-rejection regex keeps almost matching, control characters.
 */
export const HOSTILE_BODIES = {
  "xml-unclosed": `<ErrorResponse><Error>${fill("<Code><Message>", SIZE - 22)}`,
  "xml-code-only": fill("<Code>"),
  "json-deep-array": `${"[".repeat(SIZE / 2)}${"]".repeat(SIZE / 2)}`,
  "json-deep-object": fill('{"error":'),
  "json-long-message": `{"error":{"message":"${fill("a\u0001 \t", SIZE - 40)}"}}`,
  "almost-rejected": fill("invalid api_ api key is not vali"),
} as const;

export type HostileBodyName = keyof typeof HOSTILE_BODIES;

export interface HostileProvider {
  url: string;
  /** Paths of answers whose connection the client closed before the body ended. */
  closedEarly: string[];
  close(): Promise<void>;
}

/**
 * `/<name>/…` answers `status` (default 400) with HOSTILE_BODIES[name]; `/endless/…` streams
 * `<Message>` forever with `status`, `/endless-ok/…` the same with 200.
 */
export async function startHostileProvider(status = 400): Promise<HostileProvider> {
  const closedEarly: string[] = [];
  const server = http.createServer((req, res) => {
    const name = (req.url ?? "/").split("/")[1] ?? "";
    res.on("close", () => {
      if (!res.writableFinished) closedEarly.push(req.url ?? "");
    });
    if (name === "endless" || name === "endless-ok") {
      res.writeHead(name === "endless" ? status : 200, { "content-type": "text/xml" });
      const chunk = Buffer.from(fill("<Message>", 16 * 1024));
      const timer = setInterval(() => res.write(chunk), 1);
      res.on("close", () => clearInterval(timer));
      res.write(chunk);
      return;
    }
    const body = HOSTILE_BODIES[name as HostileBodyName];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status, { "content-type": name.startsWith("xml") ? "text/xml" : "application/json" });
    res.end(body);
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, closedEarly, close };
}
