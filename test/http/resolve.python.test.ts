/**
 * Any language: the README's Python example (examples/resolve.py, standard library only) run
 * with python3 against the real server on a port, with the fake provider behind it. The key
 * it got must be the stored one (the fake provider sees it), and it must never be printed.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/http/server.js";
import { createHttpApp, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OPENAI_KEY = fakeKey("openai", "valid");

function python(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("python3", ["examples/resolve.py", ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

// SQLite only: the route's behaviour on both databases is test/http/resolve.test.ts's.
describe("examples/resolve.py against the real server", () => {
  let fake: FakeProvider;
  let h: HttpApp;
  let server: RunningServer;
  let alice: SignedUpUser;
  let token: string;
  let keyId: string;

  beforeAll(async () => {
    fake = await startFakeProvider();
    h = await createHttpApp("sqlite", { env: { KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai` } });
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
    alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "python", service: "openai", value: OPENAI_KEY })).id;
    token = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "py", scopes: ["resolve"] } }), 201)).token;
  });
  afterAll(async () => {
    await server?.stop();
    await h?.close();
    await fake?.close();
  });

  it("gets the user's key with urllib and calls the provider with it", async () => {
    const run = await python(["openai"], { KEYHAVEN_URL: server.url, KEYHAVEN_TOKEN: token });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`openai: key from user (${keyId})`);
    expect(run.stdout).toContain("GET /models answered 200");
    expect(run.stdout).not.toContain(OPENAI_KEY);
    expect(fake.requests.filter((r) => r.path === "/openai/models" && r.headers.authorization === `Bearer ${OPENAI_KEY}`)).toHaveLength(1);
  });

  it("says in one line why a revoked token gets nothing", async () => {
    const made = await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "gone", scopes: ["resolve"] } }), 201);
    await h.request("DELETE", `/api/tokens/${made.accessToken.id}`, { cookie: alice.cookie });
    const run = await python(["openai"], { KEYHAVEN_URL: server.url, KEYHAVEN_TOKEN: made.token });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("Keyhaven refused (401): The access token is unknown, revoked or expired");
  });
});
