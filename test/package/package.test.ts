/**
 * The package as a user gets it. `npm pack` runs in a copy of the project (so its prepack builds
 * dist/ there, not in this checkout), and the tarball is installed into a fresh app in the temp
 * dir with this machine's npm: better-sqlite3's install script approved in the app's
 * package.json (`allowScripts`), as the README tells users, and the install run with
 * --strict-allow-scripts, so a dependency with any other unreviewed install script would fail it.
 * Slow: the build, then node-gyp compiling better-sqlite3 (no prebuilt binary is downloaded here).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "../startup/run-cli.js";

const FIXTURES = path.join(ROOT, "test", "package", "fixtures");
const INSTALL_TIMEOUT_MS = 15 * 60_000;
// Not part of the package and not needed to build it.
const NOT_COPIED = new Set(["node_modules", "dist", ".git", "test-results"]);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without what npm, vitest or a developer's Keyhaven settings put there. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name.startsWith("KEYHAVEN_") || name.startsWith("VITEST")) continue;
    if (["NODE_ENV", "TEST", "DATABASE_URL", "PORT", "HOST"].includes(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Build better-sqlite3 against the headers of the Node that runs this test (a Node install keeps
 * them beside its bin/), so a machine-wide `nodedir` for another Node version cannot win.
 */
function nodedirOfThisNode(): string[] {
  const home = path.resolve(path.dirname(process.execPath), "..");
  return fs.existsSync(path.join(home, "include", "node", "node_api.h")) ? [`--nodedir=${home}`] : [];
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env ?? cleanEnv(), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const describeResult = (r: Result) => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

function expectSuccess(r: Result): void {
  expect(r.code, describeResult(r)).toBe(0);
}

// CI's second Node version skips it (KEYHAVEN_PACKAGE_TEST=off): packing and compiling
// better-sqlite3 into a fresh app takes minutes, and once per CI run shows the package works.
const packageTestOff = process.env.KEYHAVEN_PACKAGE_TEST === "off";
if (packageTestOff) console.log("[keyhaven] package test not run here (KEYHAVEN_PACKAGE_TEST=off)");

describe.skipIf(packageTestOff)("the npm package", () => {
  let work: string;
  let tarball: string;
  let app: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-package-"));
    const project = path.join(work, "project");
    fs.cpSync(ROOT, project, {
      recursive: true,
      filter: (source) => !NOT_COPIED.has(path.relative(ROOT, source).split(path.sep)[0]),
    });
    // The build's tools (tsc, vite) come from this checkout's install.
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(project, "node_modules"), "dir");

    const packDir = path.join(work, "pack");
    fs.mkdirSync(packDir);
    const packed = await run("npm", ["pack", "--pack-destination", packDir], { cwd: project, timeoutMs: 5 * 60_000 });
    expectSuccess(packed);
    const [name] = fs.readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
    expect(name, describeResult(packed)).toBeDefined();
    tarball = path.join(packDir, name);

    app = path.join(work, "app");
    fs.mkdirSync(app);
    const manifest = { name: "keyhaven-package-test-app", private: true, type: "module", allowScripts: { "better-sqlite3": true } };
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2));
    for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(app, file));
    const installed = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--strict-allow-scripts", ...nodedirOfThisNode(), tarball, "react", "react-dom", "@tanstack/react-query"],
      { cwd: app, timeoutMs: INSTALL_TIMEOUT_MS },
    );
    expectSuccess(installed);
  }, INSTALL_TIMEOUT_MS + 6 * 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGKILL");
      await exited;
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("holds the built library, CLI, types and web app, and no sources, tests or source maps", async () => {
    const listed = await run("tar", ["-tzf", tarball], { cwd: work });
    expectSuccess(listed);
    const files = listed.stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    for (const file of files) expect(file).toMatch(/^(package\.json|README\.md|bin\/keyhaven\.mjs|dist\/src\/.+\.(js|d\.ts)|dist\/web\/.+)$/);
    expect(files).toEqual(
      expect.arrayContaining([
        "bin/keyhaven.mjs",
        "dist/src/index.js",
        "dist/src/index.d.ts",
        "dist/src/react/index.js",
        "dist/src/react/index.d.ts",
        "dist/src/cli/main.js",
        "dist/web/index.html",
      ]),
    );
    expect(files.filter((f) => /\.test\.|\.map$|^src\/|^test\/|^bench\//.test(f))).toEqual([]);
  });

  it("installs without the dev tools: no tsx, typescript or vite in the app", () => {
    for (const dev of ["tsx", "typescript", "vite", "vitest"]) expect(fs.existsSync(path.join(app, "node_modules", dev)), dev).toBe(false);
    expect(fs.existsSync(path.join(app, "node_modules", "keyhaven", "dist", "src", "index.js"))).toBe(true);
  });

  it("`import 'keyhaven'` resolves neither better-auth nor Hono", async () => {
    const log = path.join(work, "resolutions.log");
    const r = await run(process.execPath, ["--import", "./record-resolutions.mjs", "--input-type=module", "-e", 'await import("keyhaven")'], {
      cwd: app,
      env: cleanEnv({ RESOLUTION_LOG: log }),
    });
    expectSuccess(r);
    const urls = fs.readFileSync(log, "utf8").trim().split("\n").map((line) => line.split(" ")[1]);
    // The hook saw the import itself, so an empty list below means something.
    expect(urls.some((u) => u.endsWith("/node_modules/keyhaven/dist/src/index.js"))).toBe(true);
    expect(urls.some((u) => u.includes("/node_modules/kysely/"))).toBe(true);
    expect(urls.filter((u) => /\/node_modules\/(better-auth|@better-auth|better-call|hono|@hono)\//.test(u))).toEqual([]);
  });

  it("`import 'keyhaven/react'` works with the app's react and @tanstack/react-query", async () => {
    const r = await run(process.execPath, ["import-react.mjs"], { cwd: app });
    expectSuccess(r);
    expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining(["useApiKeys", "KeyhavenProvider", "createKeyhavenClient", "createKeyhavenQueryClient"]));
  });

  it("has types for `keyhaven` and `keyhaven/react` through the exports map", async () => {
    const r = await run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.check-types.json"], { cwd: app });
    expectSuccess(r);
  });

  it("`npx keyhaven help` runs the CLI", async () => {
    const r = await run("npx", ["--no", "keyhaven", "help"], { cwd: app });
    expectSuccess(r);
    expect(r.stdout).toContain("usage: keyhaven <command>");
  });

  it("a key stored through the installed server is handed out by createKeyhaven", async () => {
    const dataDir = path.join(work, "data");
    const masterKey = randomBytes(32).toString("base64");
    const port = await freePort();
    const publicUrl = `http://localhost:${port}`;
    const bin = path.join(app, "node_modules", ".bin", "keyhaven");
    server = spawn(process.execPath, [bin, "serve"], {
      cwd: app,
      env: cleanEnv({ KEYHAVEN_DATA_DIR: dataDir, KEYHAVEN_MASTER_KEY: masterKey, PORT: String(port), LOG_LEVEL: "info" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    server.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<void>((resolve) => server!.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
      const check = () => {
        if (output.includes("Keyhaven listening on")) {
          clearTimeout(timer);
          resolve();
        }
      };
      server!.stdout!.on("data", check);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the server exited:\n${output}`));
      });
    });

    // The web app ships in the package and is served.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/^<!doctype html>/i);

    const headers = { origin: publicUrl, "content-type": "application/json" };
    const signUp = await fetch(`http://127.0.0.1:${port}/api/auth/sign-up/email`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email: "package@example.com", password: "correct horse battery staple", name: "Package" }),
    });
    expect(signUp.status).toBe(200);
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const value = `sk-proj-${randomBytes(24).toString("base64url")}`;
    const created = await fetch(`http://127.0.0.1:${port}/api/api-keys`, {
      method: "POST",
      headers: { ...headers, cookie },
      body: JSON.stringify({ name: "From the package test", service: "openai", value }),
    });
    expect(created.status).toBe(201);
    server.kill("SIGTERM");
    await exited;

    const r = await run(process.execPath, ["use-library.mjs", dataDir, masterKey, userId], { cwd: app });
    expectSuccess(r);
    const result = JSON.parse(r.stdout) as { openai: string; check: { valid: boolean; available: string[] }; services: string[] };
    expect(result.openai).toBe(value);
    expect(result.check.available).toContain("openai");
    expect(result.services).toContain("openai");
  }, 120_000);
});
