/** Where the login is saved, with which permissions, and how the environment overrides it. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configPath, normalizeServerUrl, resolveLogin, saveLogin } from "../../src/cli/client/config-file.js";
import { CLI_EXIT, CliError } from "../../src/cli/client/cli-error.js";

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-cfg-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("config file", () => {
  it("saves under $XDG_CONFIG_HOME/keyhaven, the file 0600 and the directory 0700", () => {
    const home = temp();
    const env = { XDG_CONFIG_HOME: home };
    const file = saveLogin(env, { url: "http://127.0.0.1:3000", token: "kh_abc" });
    expect(file).toBe(path.join(home, "keyhaven", "config.json"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(resolveLogin(env)).toEqual({ url: "http://127.0.0.1:3000", token: "kh_abc" });
    // A second save replaces the file and leaves no temp file behind.
    saveLogin(env, { url: "http://127.0.0.1:4000", token: "kh_def" });
    expect(fs.readdirSync(path.dirname(file))).toEqual(["config.json"]);
    expect(resolveLogin(env).token).toBe("kh_def");
  });

  it("tightens a directory that others could read", () => {
    const home = temp();
    fs.mkdirSync(path.join(home, "keyhaven"), { mode: 0o755 });
    saveLogin({ XDG_CONFIG_HOME: home }, { url: "http://h", token: "kh_a" });
    expect(fs.statSync(path.join(home, "keyhaven")).mode & 0o777).toBe(0o700);
  });

  it("defaults to ~/.config without XDG_CONFIG_HOME (or with a relative one)", () => {
    expect(configPath({ HOME: "/home/ada" })).toBe("/home/ada/.config/keyhaven/config.json");
    expect(configPath({ HOME: "/home/ada", XDG_CONFIG_HOME: "relative" })).toBe("/home/ada/.config/keyhaven/config.json");
  });

  it("lets KEYHAVEN_URL and KEYHAVEN_TOKEN win over the saved login", () => {
    const home = temp();
    saveLogin({ XDG_CONFIG_HOME: home }, { url: "http://saved", token: "kh_saved" });
    expect(resolveLogin({ XDG_CONFIG_HOME: home, KEYHAVEN_TOKEN: "kh_env" })).toEqual({ url: "http://saved", token: "kh_env" });
    expect(resolveLogin({ XDG_CONFIG_HOME: home, KEYHAVEN_URL: "https://env.example/" })).toEqual({ url: "https://env.example", token: "kh_saved" });
  });

  it("without a login or a token is 'not logged in' (exit 3)", () => {
    const err = (() => {
      try {
        resolveLogin({ XDG_CONFIG_HOME: temp() });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ message: "not logged in: run keyhaven login", exitCode: CLI_EXIT.AUTH });
  });

  it("normalizes server URLs and refuses what is not one", () => {
    expect(normalizeServerUrl(" https://keys.example.com/base/ ")).toBe("https://keys.example.com/base");
    expect(() => normalizeServerUrl("ftp://x")).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeServerUrl("https://u:p@x")).toThrow(/user name or password/);
    expect(() => normalizeServerUrl("nonsense")).toThrow(/not a URL/);
  });
});
