/**
 * The CLI client's one reader of `process.env` (the server's is platform/config.ts): where the
 * login is saved, and the KEYHAVEN_URL / KEYHAVEN_TOKEN / KEYHAVEN_USER_ID overrides. Commands
 * take an `Env` so tests and `run` can hand in another one.
 */
import os from "node:os";

export type Env = Readonly<Record<string, string | undefined>>;

export const processEnv = (): Env => process.env;

/** A set, non-blank variable, trimmed; undefined otherwise. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** `$XDG_CONFIG_HOME` if set and absolute (the XDG rule), else `~/.config`. */
export function configHome(env: Env): string {
  const xdg = envValue(env, "XDG_CONFIG_HOME");
  if (xdg && xdg.startsWith("/")) return xdg;
  return `${envValue(env, "HOME") ?? os.homedir()}/.config`;
}
