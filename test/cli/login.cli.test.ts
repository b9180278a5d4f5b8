/**
 * `keyhaven login` against a real server: the token is checked with GET /api/whoami before it
 * is saved 0600 in a 0700 directory under XDG_CONFIG_HOME; later commands use the saved login.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_EXIT } from "../../src/cli/client/cli-error.js";
import type { SignedUpUser } from "../support/http-app.js";
import { cliEnv, ENTRY, expectStartupFailure as expectOneLineFailure, freePort, killAll, removeTempDirs, tempDir } from "../startup/run-cli.js";
import { insertServiceToken } from "../support/tokens.js";
import { kh, startCliServer, type CliServer } from "./cli-server.js";

const PTY_RUN = fileURLToPath(new URL("./fixtures/pty-run.py", import.meta.url));
const hasPython = spawnSync("python3", ["-c", "import pty"]).status === 0;

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

describe.concurrent("keyhaven login", () => {
  it("reads the token from stdin, checks it, saves it 0600 in a 0700 directory; commands then use it", async () => {
    const { token } = await s.makeToken(ada, ["keys:read", "resolve"], "laptop");
    const configHome = tempDir("keyhaven-xdg-");
    const r = await kh(["login", "--url", `${s.url}/`], { configHome, input: `${token}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`logged in to ${s.url} with personal token "laptop" of user ${ada.id} (scopes: keys:read, resolve)`);
    expect(r.stdout + r.stderr).not.toContain(token);

    const dir = path.join(configHome, "keyhaven");
    const file = path.join(dir, "config.json");
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ url: s.url, token });

    const list = await kh(["keys", "list", "--json"], { configHome });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  // A terminal, through a pseudo-terminal driven by Python's pty module (skipped without python3).
  it.skipIf(!hasPython)("on a terminal asks with hidden input: the token is never echoed", async () => {
    const { token } = await s.makeToken(ada, ["keys:read"], "typed");
    const configHome = tempDir("keyhaven-xdg-");
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        "python3",
        [PTY_RUN, "Access token for", `${token}\r`, process.execPath, ENTRY, "login", "--url", s.url],
        { env: cliEnv({ XDG_CONFIG_HOME: configHome }), timeout: 90_000 },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }),
      );
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Access token for ${s.url}: `);
    expect(r.out).toContain('logged in to');
    expect(r.out).not.toContain(token);
    expect(JSON.parse(fs.readFileSync(path.join(configHome, "keyhaven", "config.json"), "utf8")).token).toBe(token);
  });

  it("says when the token is a service token", async () => {
    const { token } = await insertServiceToken(s.h.runtime, { createdBy: "test", scopes: ["resolve"], name: "backend" });
    const r = await kh(["login", "--url", s.url], { input: `${token}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`logged in to ${s.url} with service token "backend" (scopes: resolve)`);
  });

  it("takes --token too", async () => {
    const { token } = await s.makeToken(ada, ["keys:read"], "ci");
    const configHome = tempDir("keyhaven-xdg-");
    const r = await kh(["login", "--url", s.url, "--token", token], { configHome });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(configHome, "keyhaven", "config.json"))).toBe(true);
  });

  it("refuses a revoked token without saving anything (exit 3)", async () => {
    const { token, id } = await s.makeToken(ada, ["keys:read"]);
    expect((await s.h.request("DELETE", `/api/tokens/${id}`, { cookie: ada.cookie })).status).toBe(204);
    const configHome = tempDir("keyhaven-xdg-");
    const r = await kh(["login", "--url", s.url], { configHome, input: `${token}\n` });
    expectOneLineFailure(r, CLI_EXIT.AUTH, `keyhaven: ${s.url} refused this access token (revoked, expired or unknown)`);
    expect(fs.existsSync(path.join(configHome, "keyhaven", "config.json"))).toBe(false);
  });

  it("refuses what is not a token before sending it, and an empty stdin (exit 2)", async () => {
    const [notToken, empty] = await Promise.all([kh(["login", "--url", s.url], { input: "hunter2\n" }), kh(["login", "--url", s.url], { input: "" })]);
    expectOneLineFailure(notToken, CLI_EXIT.USAGE, "that is not a Keyhaven access token");
    expect(notToken.stderr).not.toContain("hunter2");
    expectOneLineFailure(empty, CLI_EXIT.USAGE, "expected an access token on standard input");
  });

  it("a server that is down: exit 5", async () => {
    const port = await freePort();
    const r = await kh(["login", "--url", `http://127.0.0.1:${port}`], { input: "kh_abc\n" });
    expectOneLineFailure(r, CLI_EXIT.UNREACHABLE, `keyhaven: cannot reach http://127.0.0.1:${port}: connection refused`);
  });
});
