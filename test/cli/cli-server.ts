/**
 * A real Keyhaven server for the CLI tests: the app of test/support/http-app.ts on SQLite,
 * listening on 127.0.0.1:<free port> through @hono/node-server, its providers pointed at the
 * fake provider; and `kh()` running the real `bin/keyhaven.mjs` as a child process against it.
 */
import { listen, type RunningServer } from "../../src/http/server.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { cliEnv, runCli, startCli, tempDir, type CliProcess, type ExitResult } from "../startup/run-cli.js";

export interface CliServer {
  h: HttpApp;
  fake: FakeProvider;
  url: string;
  /** POST /api/tokens as `user`: the token and its id. */
  makeToken(user: SignedUpUser, scopes: string[], name?: string): Promise<{ token: string; id: string }>;
  close(): Promise<void>;
}

export async function startCliServer(): Promise<CliServer> {
  const fake = await startFakeProvider();
  const env = Object.fromEntries(
    Object.entries(fakeBaseUrlOverrides(fake.url)).map(([service, url]) => [`KEYHAVEN_${service.toUpperCase()}_BASE_URL`, url]),
  );
  // A hanging provider answers in 2 s, not the default 10 s: long enough to show the spinner.
  const h = await createHttpApp("sqlite", { env, app: { keyTester: { timeoutMs: 2_000 } } });
  let server: RunningServer;
  try {
    server = await listen(h.app, h.runtime, 0, "127.0.0.1");
  } catch (err) {
    await h.close();
    await fake.close();
    throw err;
  }
  return {
    h,
    fake,
    url: server.url,
    async makeToken(user, scopes, name = "cli test") {
      const created = await jsonOf(await h.request("POST", "/api/tokens", { cookie: user.cookie, body: { name, scopes } }), 201);
      return { token: created.token as string, id: created.accessToken.id as string };
    },
    async close() {
      await server.stop().catch(() => {});
      await h.close();
      await fake.close();
    },
  };
}

export interface KhOptions {
  /** Extra environment (KEYHAVEN_URL, KEYHAVEN_TOKEN, …); undefined removes. */
  env?: Record<string, string | undefined>;
  /** Standard input (otherwise /dev/null). */
  input?: string;
  /** XDG_CONFIG_HOME; a fresh temp dir by default, so no test reads or writes a real login. */
  configHome?: string;
}

function khEnv(opts: KhOptions): NodeJS.ProcessEnv {
  return cliEnv({ XDG_CONFIG_HOME: opts.configHome ?? tempDir("keyhaven-cli-"), ...opts.env });
}

export function kh(args: string[], opts: KhOptions = {}): Promise<ExitResult> {
  return runCli(args, { cwd: tempDir("keyhaven-cwd-"), env: khEnv(opts), input: opts.input });
}

export function startKh(args: string[], opts: KhOptions = {}): CliProcess {
  return startCli(args, { cwd: tempDir("keyhaven-cwd-"), env: khEnv(opts), input: opts.input });
}
