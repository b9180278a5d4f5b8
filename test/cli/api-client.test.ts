/**
 * How the CLI's API client turns answers into one-line errors and exit codes, against a
 * plain HTTP server on loopback that answers what each case needs (the real server's answers
 * are covered by the *.cli.test.ts files).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../src/cli/client/api-client.js";
import { CLI_EXIT, CliError } from "../../src/cli/client/cli-error.js";
import { listenOnLoopback } from "../support/loopback-server.js";
import { freePort } from "../startup/run-cli.js";

const TOKEN = "kh_testtoken";
let server: { url: string; close: () => Promise<void> };
let client: ApiClient;
const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = await listenOnLoopback(
    http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(JSON.stringify(value));
        };
        if (req.url === "/api/html") {
          res.writeHead(502, { "content-type": "text/html" });
          return res.end("<html>Bad gateway</html>");
        }
        if (req.url === "/api/moved") {
          res.writeHead(301, { location: "https://keys.example.com/api/moved" });
          return res.end();
        }
        if (req.url === "/api/limited") return json(429, { error: { code: "RATE_LIMITED", message: "Too many key tests" } }, { "retry-after": "42" });
        if (req.url === "/api/invalid") {
          return json(400, { error: { code: "VALIDATION_ERROR", message: "Invalid request", details: [{ path: "name", message: "is required" }] } });
        }
        if (req.url === "/api/gone") return json(404, { error: { code: "NOT_FOUND", message: "No route GET /api/gone" } });
        if (req.url === "/api/forbidden") return json(403, { error: { code: "FORBIDDEN", message: "This token lacks the resolve scope" } });
        if (req.url === "/api/refused") return json(401, { error: { code: "UNAUTHORIZED", message: "The access token is unknown, revoked or expired" } });
        if (req.url === "/api/resolve") return json(200, { results: { openai: null } });
        json(200, { ok: true });
      });
    }),
  );
  client = createApiClient({ url: server.url, token: TOKEN }, { spinner: false });
});
afterAll(() => server?.close());

async function failure(path: string): Promise<CliError> {
  try {
    await client.request("GET", path);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error(`${path} did not fail`);
}

describe("CLI API client", () => {
  it("sends the token as a Bearer header and JSON bodies", async () => {
    await client.resolveMany(["openai"], "usr_1");
    expect(seen.at(-1)).toEqual({ method: "POST", url: "/api/resolve", auth: `Bearer ${TOKEN}`, body: '{"userId":"usr_1","services":["openai"]}' });
  });

  it("maps statuses to exit codes with the server's message", async () => {
    expect(await failure("/api/refused")).toMatchObject({ exitCode: CLI_EXIT.AUTH, message: "the access token was refused (revoked, expired or unknown): run keyhaven login" });
    expect(await failure("/api/forbidden")).toMatchObject({ exitCode: CLI_EXIT.FORBIDDEN, message: "This token lacks the resolve scope" });
    expect(await failure("/api/invalid")).toMatchObject({ exitCode: CLI_EXIT.GENERAL, message: "Invalid request (name: is required)" });
    expect(await failure("/api/limited")).toMatchObject({ exitCode: CLI_EXIT.GENERAL, message: "Too many key tests (retry in 42 s)" });
  });

  it("says when the route is missing or the answer is not Keyhaven's", async () => {
    expect(await failure("/api/gone")).toMatchObject({ exitCode: CLI_EXIT.GENERAL, message: `${server.url} has no GET /api/gone: is the server up to date?` });
    expect(await failure("/api/moved")).toMatchObject({ message: `${server.url} redirects to https://keys.example.com: log in with the server's final URL` });
    expect(seen.filter((r) => r.url === "/api/moved")).toHaveLength(1);
    expect(await failure("/api/html")).toMatchObject({ exitCode: CLI_EXIT.GENERAL, message: `${server.url} answered 502 without a Keyhaven answer: is the server URL right?` });
  });

  it("a closed port or an unknown host: cannot reach, exit 5", async () => {
    const port = await freePort();
    const closed = createApiClient({ url: `http://127.0.0.1:${port}`, token: TOKEN }, { spinner: false });
    await expect(closed.whoami()).rejects.toMatchObject({ exitCode: CLI_EXIT.UNREACHABLE, message: `cannot reach http://127.0.0.1:${port}: connection refused` });
    const nowhere = createApiClient({ url: "http://keyhaven.invalid", token: TOKEN }, { spinner: false });
    await expect(nowhere.whoami()).rejects.toMatchObject({ exitCode: CLI_EXIT.UNREACHABLE, message: expect.stringMatching(/^cannot reach http:\/\/keyhaven\.invalid: host not found/) });
  });
});
