/**
 * The client commands' failures through the real entry point: one line `keyhaven: …` on
 * stderr, no stack trace, and the documented exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_EXIT } from "../../src/cli/client/cli-error.js";
import type { SignedUpUser } from "../support/http-app.js";
import { expectStartupFailure as expectOneLineFailure, freePort, killAll, removeTempDirs } from "../startup/run-cli.js";
import { kh, startCliServer, type CliServer } from "./cli-server.js";

let s: CliServer;
let ada: SignedUpUser;

beforeAll(async () => {
  s = await startCliServer();
  ada = await s.h.signUp();
});
afterAll(async () => {
  await killAll();
  await s?.close();
  removeTempDirs();
});

describe.concurrent("keyhaven client errors", () => {
  it("without a saved login or KEYHAVEN_TOKEN: not logged in, exit 3", async () => {
    const results = await Promise.all([["keys", "list"], ["get", "openai"], ["run", "--", "true"]].map((args) => kh(args)));
    for (const r of results) expectOneLineFailure(r, CLI_EXIT.AUTH, /^keyhaven: not logged in: run keyhaven login$/);
  });

  it("a revoked token: refused, exit 3, one line", async () => {
    const { token, id } = await s.makeToken(ada, ["keys:read", "resolve"]);
    const ok = await kh(["keys", "list"], { env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token } });
    expect(ok.code, ok.stderr).toBe(0);
    const revoked = await s.h.request("DELETE", `/api/tokens/${id}`, { cookie: ada.cookie });
    expect(revoked.status).toBe(204);
    const r = await kh(["keys", "list"], { env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token } });
    expectOneLineFailure(r, CLI_EXIT.AUTH, /^keyhaven: the access token was refused \(revoked, expired or unknown\): run keyhaven login$/);
    expect(r.stderr).not.toContain(token);
  });

  it("an unknown token is refused the same way", async () => {
    const r = await kh(["keys", "list"], { env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: `kh_${"x".repeat(43)}` } });
    expectOneLineFailure(r, CLI_EXIT.AUTH, "the access token was refused");
  });

  it("a server that is down: cannot reach, exit 5", async () => {
    const port = await freePort();
    const r = await kh(["keys", "list"], { env: { KEYHAVEN_URL: `http://127.0.0.1:${port}`, KEYHAVEN_TOKEN: "kh_whatever" } });
    expectOneLineFailure(r, CLI_EXIT.UNREACHABLE, `keyhaven: cannot reach http://127.0.0.1:${port}: connection refused`);
  });

  it("a missing scope: the server's message, exit 6", async () => {
    const { token } = await s.makeToken(ada, ["keys:read"]);
    const r = await kh(["keys", "add", "openai", "--name", "nope"], {
      env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token },
      input: "sk-test-valid-0123456789abcdef\n",
    });
    expectOneLineFailure(r, CLI_EXIT.FORBIDDEN, "keyhaven: This token lacks the keys:write scope");
    expect(r.stderr).not.toContain("sk-test-valid");
  });

  it("usage errors exit 2 before any login is needed", async () => {
    const cases: [string[], string][] = [
      [["keys", "list", "--bogus"], "Unknown option '--bogus'"],
      [["get"], "get needs SERVICE"],
      [["get", "nope"], 'unknown service "nope"'],
      [["run", "--only", "custom", "--", "true"], "custom keys have no standard environment variable"],
      [["run"], "run needs a command"],
      [["keys", "frob"], 'unknown subcommand "keys frob"'],
    ];
    const results = await Promise.all(cases.map(([args]) => kh(args)));
    results.forEach((r, i) => expectOneLineFailure(r, CLI_EXIT.USAGE, cases[i][1]));
  });

  it("every client command answers --help on stdout, exit 0", async () => {
    const commands = [["login", "--help"], ["get", "--help"], ["run", "--help"], ["keys", "--help"], ["keys", "add", "--help"], ["import-env", "--help"]];
    const results = await Promise.all(commands.map((args) => kh(args)));
    results.forEach((r, i) => {
      expect(r.code, `${commands[i].join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^usage: keyhaven /);
      expect(r.stderr).toBe("");
    });
    expect(results[2].stdout).toContain("Custom endpoint keys have no standard variable and are not exported");
    const top = await kh(["help"]);
    expect(top.stdout).toMatch(/login .*\n.*get SERVICE .*\n.*run -- CMD/);
  });
});
