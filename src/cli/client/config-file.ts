/**
 * The saved login: `$XDG_CONFIG_HOME/keyhaven/config.json` (default `~/.config/keyhaven/`),
 * `{ url, token }`, the file 0600 in a 0700 directory because the token is a credential.
 * KEYHAVEN_URL and KEYHAVEN_TOKEN win over what is saved, so CI needs no file at all.
 */
import fs from "node:fs";
import path from "node:path";
import { CLI_EXIT, CliError, NOT_LOGGED_IN, usageError } from "./cli-error.js";
import { configHome, envValue, type Env } from "./client-env.js";

export const DEFAULT_URL = "http://localhost:3000";

export interface Login {
  url: string;
  token: string;
}

export const configDir = (env: Env) => path.join(configHome(env), "keyhaven");
export const configPath = (env: Env) => path.join(configDir(env), "config.json");

/** `http(s)://host[:port][/path]` without a trailing slash; a usage error otherwise. */
export function normalizeServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw usageError(`not a URL: "${raw}" (expected e.g. https://keys.example.com)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usageError(`the server URL must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw usageError("the server URL must not contain a user name or password");
  if (url.search || url.hash) throw usageError("the server URL must not contain a query or fragment");
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** What a token must look like before it is sent anywhere: `kh_` and no whitespace. */
export function checkTokenShape(token: string): string {
  const t = token.trim();
  if (!/^kh_[A-Za-z0-9_-]+$/.test(t)) throw usageError("that is not a Keyhaven access token (they look like kh_…; make one in the web app under Settings → Access tokens)");
  return t;
}

export function readSavedLogin(env: Env): Partial<Login> | undefined {
  const file = configPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    const { url, token } = parsed as Record<string, unknown>;
    return { url: typeof url === "string" ? url : undefined, token: typeof token === "string" ? token : undefined };
  } catch {
    throw new CliError(`${file} is not valid JSON: run keyhaven login again`, CLI_EXIT.AUTH);
  }
}

/**
 * Writes the login atomically (a temp file renamed over the old one), created 0600 so the
 * token is never readable by others, not even for a moment; the directory is made (or fixed) 0700.
 */
export function saveLogin(env: Env, login: Login): string {
  const dir = configDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = configPath(env);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify({ url: login.url, token: login.token }, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return file;
}

/** The server and token to use: environment first, then the saved login; none is "not logged in" (exit 3). */
export function resolveLogin(env: Env): Login {
  const saved = readSavedLogin(env);
  const token = envValue(env, "KEYHAVEN_TOKEN") ?? saved?.token;
  if (!token) throw new CliError(NOT_LOGGED_IN, CLI_EXIT.AUTH);
  const url = envValue(env, "KEYHAVEN_URL") ?? saved?.url ?? DEFAULT_URL;
  return { url: normalizeServerUrl(url), token };
}
