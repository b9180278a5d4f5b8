/**
 * Runs the real entry point (`node bin/keyhaven.mjs …`) as a child process, from the TypeScript
 * source through tsx (KEYHAVEN_FROM_SOURCE=1), with an environment free of the parent's
 * DATABASE_URL / KEYHAVEN_* settings. Every started process is tracked so a test can never leak one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ENTRY = path.join(ROOT, "bin", "keyhaven.mjs");

/** Generous: a start from source through tsx costs 3–4 s of CPU, many times that on a loaded 2-core machine. */
export const START_TIMEOUT_MS = 45_000;

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit, whenever it happens. */
  readonly exited: Promise<ExitResult>;
  /** Waits until `pattern` shows up in the stream; rejects on exit or timeout (with the output so far). */
  waitFor(pattern: RegExp | string, opts?: { stream?: "stdout" | "stderr"; timeoutMs?: number }): Promise<void>;
  /** Waits for the exit; rejects on timeout. */
  waitForExit(timeoutMs?: number): Promise<ExitResult>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitResult>;
  /** SIGKILL if still running. */
  kill(): void;
}

const live = new Set<ChildProcess>();

/** Kills every child still running (for afterEach/afterAll). */
export async function killAll(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of live) {
    waits.push(new Promise((resolve) => child.once("exit", resolve)));
    child.kill("SIGKILL");
  }
  await Promise.all(waits);
}

/** The parent's environment minus DATABASE_URL and KEYHAVEN_*, plus `extra` (undefined removes). */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === "DATABASE_URL" || name.startsWith("KEYHAVEN_") || name === "NODE_ENV" || name === "PORT" || name === "HOST") continue;
    // vitest marks its own processes; the child is a plain CLI run.
    if (name === "VITEST" || name.startsWith("VITEST_") || name === "TEST") continue;
    env[name] = value;
  }
  env.KEYHAVEN_FROM_SOURCE = "1";
  env.LOG_LEVEL = "info";
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * `input`: written to the child's stdin, which is then closed (otherwise stdin is /dev/null).
 * `wrapper`: a command the CLI runs under (e.g. `["sh", "-c", "ulimit -f 64 && exec \"$@\"", "sh"]`),
 * given `node <entry> …args` as its last arguments.
 */
export function startCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; wrapper?: string[] }): CliProcess {
  const argv = [process.execPath, ENTRY, ...args];
  const [command, ...rest] = opts.wrapper?.length ? [...opts.wrapper, ...argv] : argv;
  const child = spawn(command, rest, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  live.add(child);
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    notify();
  });
  let exitResult: ExitResult | undefined;
  // 'close' (not 'exit'): the pipes are drained, so stdout/stderr are complete.
  const exited = new Promise<ExitResult>((resolve) => {
    child.once("close", (code, signal) => {
      live.delete(child);
      exitResult = { code, signal, stdout, stderr };
      notify();
      resolve(exitResult);
    });
  });
  const describeOutput = () => `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  const proc: CliProcess = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, { stream = "stdout", timeoutMs = START_TIMEOUT_MS } = {}) {
      const matches = () => {
        const text = stream === "stdout" ? stdout : stderr;
        return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
      };
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (matches()) finish();
          else if (exitResult) finish(new Error(`process exited (code ${exitResult.code}, signal ${exitResult.signal}) before ${String(pattern)}${describeOutput()}`));
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}${describeOutput()}`)), timeoutMs);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    waitForExit(timeoutMs = START_TIMEOUT_MS) {
      let timer: NodeJS.Timeout;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms${describeOutput()}`)), timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    stop(signal = "SIGTERM", timeoutMs = 5_000) {
      if (!exitResult) child.kill(signal);
      return proc.waitForExit(timeoutMs);
    },
    kill() {
      if (!exitResult) child.kill("SIGKILL");
    },
  };
  return proc;
}

/** Runs a command to its exit. */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; wrapper?: string[] }): Promise<ExitResult> {
  const proc = startCli(args, opts);
  return proc.waitForExit(opts.timeoutMs).finally(() => proc.kill());
}

/** A port that was free a moment ago (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const tempDirs: string[] = [];

export function tempDir(prefix = "keyhaven-startup-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A fresh temp dir used as cwd and KEYHAVEN_DATA_DIR, with a free PORT; `extra` overrides. */
export async function serveSetup(extra: Record<string, string | undefined> = {}) {
  const dir = tempDir();
  const port = await freePort();
  const env = cliEnv({ KEYHAVEN_DATA_DIR: dir, PORT: String(port), ...extra });
  return { dir, port, env };
}

/** Starts `serve` and waits until it listens. */
export async function startServer(cwd: string, env: NodeJS.ProcessEnv): Promise<CliProcess> {
  const proc = startCli(["serve"], { cwd, env });
  await proc.waitFor("Keyhaven listening on");
  return proc;
}

export async function health(port: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return { status: res.status, body: await res.json() };
}

/**
 * A start-up failure: exactly `code`, stderr is one line `keyhaven: …` matching `message`,
 * and nothing on either stream looks like a stack trace.
 */
export function expectStartupFailure(result: ExitResult, code: number, message: RegExp | string): string {
  const context = `\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
  expect(result.code, `exit code${context}`).toBe(code);
  expect(result.signal).toBeNull();
  expect(result.stderr.endsWith("\n"), `stderr ends with a newline${context}`).toBe(true);
  const lines = result.stderr.replace(/\n$/, "").split("\n");
  expect(lines, `stderr is one line${context}`).toHaveLength(1);
  const line = lines[0];
  expect(line.startsWith("keyhaven: "), `stderr starts with "keyhaven: "${context}`).toBe(true);
  if (typeof message === "string") expect(line).toContain(message);
  else expect(line).toMatch(message);
  expect(result.stderr).not.toContain("    at ");
  expect(result.stdout).not.toContain("    at ");
  return line;
}
