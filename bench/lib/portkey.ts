/**
 * Portkey's open-source gateway (`@portkey-ai/gateway` on npm) for bench/gateway.ts: installed on
 * first use into a folder of its own under the OS temp dir (never a dependency of this project),
 * started as a child process. It forwards to any OpenAI-compatible upstream named per request:
 * `x-portkey-provider: openai` + `x-portkey-custom-host: <base URL with /v1>`, and passes the
 * client's own `Authorization` on (it holds no keys).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, startChild, type ChildServer } from "./servers.js";

export const PORTKEY_PACKAGE = "@portkey-ai/gateway";
/** Pinned, so that runs compare; `--portkey-version` picks another. */
export const PORTKEY_DEFAULT_VERSION = "1.15.2";

export interface PortkeyInstall {
  dir: string;
  entry: string;
  version: string;
  /** Seconds `npm install` took, or null when the folder already held this version. */
  installSeconds: number | null;
}

/** Installs `@portkey-ai/gateway@<version>` into os.tmpdir()/keyhaven-bench-portkey unless it is there already. */
export async function ensurePortkey(version: string): Promise<PortkeyInstall> {
  const dir = path.join(os.tmpdir(), "keyhaven-bench-portkey");
  const pkgDir = path.join(dir, "node_modules", ...PORTKEY_PACKAGE.split("/"));
  const entry = path.join(pkgDir, "build", "start-server.js");
  const installed = () => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return undefined;
    }
  };
  if (installed() === version && fs.existsSync(entry)) return { dir, entry, version, installSeconds: null };
  fs.mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm neither climbs to a parent project nor warns about a missing one.
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "keyhaven-bench-portkey", private: true }) + "\n");
  const started = performance.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await promisify(execFile)(npm, ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", `${PORTKEY_PACKAGE}@${version}`], {
    cwd: dir,
    maxBuffer: 16 * 2 ** 20,
  });
  const installSeconds = (performance.now() - started) / 1000;
  if (installed() !== version || !fs.existsSync(entry)) throw new Error(`npm install of ${PORTKEY_PACKAGE}@${version} left no ${entry}`);
  return { dir, entry, version, installSeconds };
}

/** Starts the gateway headless (no UI, no log stream) on a free loopback port; `GET /` is its health answer. */
export async function startPortkey(install: PortkeyInstall, env: Record<string, string | undefined>): Promise<ChildServer> {
  const port = await freePort();
  return startChild({
    args: [install.entry, `--port=${port}`, "--headless"],
    env: { ...env, NODE_ENV: "production" },
    port,
    healthPath: "/",
    cwd: install.dir,
  });
}

/** The headers that make Portkey forward to `upstreamBase` (…/v1) with the client's key. */
export function portkeyHeaders(upstreamBase: string, key: string): Record<string, string> {
  return {
    authorization: `Bearer ${key}`,
    "x-portkey-provider": "openai",
    "x-portkey-custom-host": upstreamBase,
  };
}
