/**
 * `keyhaven get` and `keyhaven run` against a real server (GET/POST /api/resolve): the right
 * variables reach the child, no value ever appears in the CLI's own output, the child's exit
 * code and signals pass through.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_EXIT } from "../../src/cli/client/cli-error.js";
import { fakeKey } from "../support/fake-provider.js";
import { anthropicKey, openaiKey, type SignedUpUser } from "../support/http-app.js";
import { expectStartupFailure as expectOneLineFailure, killAll, removeTempDirs, tempDir } from "../startup/run-cli.js";
import { insertServiceToken } from "../support/tokens.js";
import { kh, startKh, startCliServer, type CliServer } from "./cli-server.js";

const CHILD = fileURLToPath(new URL("./fixtures/child.mjs", import.meta.url));

let s: CliServer;
let ada: SignedUpUser;
let env: Record<string, string>;
const OPENAI = openaiKey();
const ANTHROPIC = anthropicKey();
const AWS = fakeKey("aws", "valid", { temporary: true });
const GOOGLE = `AIza${"g".repeat(35)}`;
const VALUES = [OPENAI, ANTHROPIC, GOOGLE, AWS.secretAccessKey, AWS.sessionToken!];

beforeAll(async () => {
  s = await startCliServer();
  ada = await s.h.signUp();
  await s.h.createKey(ada, { name: "o", service: "openai", value: OPENAI });
  await s.h.createKey(ada, { name: "a", service: "anthropic", value: ANTHROPIC });
  await s.h.createKey(ada, { name: "g", service: "google", value: GOOGLE });
  await s.h.createKey(ada, { name: "aws", service: "aws", value: AWS, config: { region: "eu-central-1" } });
  await s.h.createKey(ada, { name: "c", service: "custom", value: "custom-secret-value", config: { baseUrl: "https://llm.example.com/v1" } });
  const { token } = await s.makeToken(ada, ["resolve"]);
  env = { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token };
});
afterAll(async () => {
  await killAll();
  await s?.close();
  removeTempDirs();
});

/** Runs `keyhaven run … -- node child.mjs env FILE` and returns the child's environment. */
async function childEnv(runArgs: string[], extraEnv: Record<string, string> = {}) {
  const out = path.join(tempDir("keyhaven-child-"), "env.json");
  const r = await kh(["run", ...runArgs, "--", process.execPath, CHILD, "env", out], { env: { ...env, ...extraEnv } });
  const seen = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, string>) : undefined;
  return { r, seen };
}

function expectNoValue(text: string) {
  for (const v of [...VALUES, "custom-secret-value"]) expect(text).not.toContain(v);
}

describe.concurrent("keyhaven get", () => {
  it("prints the key of a service", async () => {
    const r = await kh(["get", "openai"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${OPENAI}\n`);
    expect(r.stderr).toBe("");
  });

  it("prints aws as AWS_* lines", async () => {
    const r = await kh(["get", "aws"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `AWS_ACCESS_KEY_ID=${AWS.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${AWS.secretAccessKey}\nAWS_SESSION_TOKEN=${AWS.sessionToken}\nAWS_REGION=eu-central-1\n`,
    );
  });

  it("a service without a key: exit 4", async () => {
    const r = await kh(["get", "groq"], { env });
    expectOneLineFailure(r, CLI_EXIT.NOT_FOUND, "keyhaven: no usable groq key");
  });

  it("a token without the resolve scope: the server's message, exit 6", async () => {
    const { token } = await s.makeToken(ada, ["keys:read"]);
    const r = await kh(["get", "openai"], { env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token } });
    expectOneLineFailure(r, CLI_EXIT.FORBIDDEN, "resolve");
  });
});

describe.concurrent("with a service token", () => {
  let service: Record<string, string>;
  beforeAll(async () => {
    const { token } = await insertServiceToken(s.h.runtime, { createdBy: "test", scopes: ["resolve"], name: "backend" });
    service = { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token };
  });

  it("get --user names the user", async () => {
    const r = await kh(["get", "anthropic", "--user", ada.id], { env: service });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${ANTHROPIC}\n`);
  });

  it("run takes the user from KEYHAVEN_USER_ID", async () => {
    const out = path.join(tempDir("keyhaven-child-"), "env.json");
    const r = await kh(["run", "--only", "openai", "--", process.execPath, CHILD, "env", out], { env: { ...service, KEYHAVEN_USER_ID: ada.id } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).OPENAI_API_KEY).toBe(OPENAI);
  });

  it("without a user: the server's message, exit 1; with an unknown user: exit 4", async () => {
    const [none, unknown] = await Promise.all([kh(["get", "openai"], { env: service }), kh(["get", "openai", "--user", "usr_nobody"], { env: service })]);
    expectOneLineFailure(none, CLI_EXIT.GENERAL, "keyhaven: A service token must name the user: userId is required");
    expectOneLineFailure(unknown, CLI_EXIT.NOT_FOUND, "keyhaven: no usable openai key for user usr_nobody");
  });

  it("a personal token naming another user: the server's refusal, exit 6", async () => {
    const r = await kh(["get", "openai", "--user", "usr_someone_else"], { env });
    expectOneLineFailure(r, CLI_EXIT.FORBIDDEN, "A personal token resolves its own user's keys only");
  });
});

describe.concurrent("keyhaven run", () => {
  it("gives the child every variable of the user's keys, and the CLI prints no value", async () => {
    const { r, seen } = await childEnv([], { AWS_SESSION_TOKEN: "stale-token", GROQ_API_KEY: "inherited" });
    expect(r.code, r.stderr).toBe(0);
    expectNoValue(r.stdout + r.stderr);
    expect(seen).toMatchObject({
      OPENAI_API_KEY: OPENAI,
      ANTHROPIC_API_KEY: ANTHROPIC,
      GOOGLE_GENERATIVE_AI_API_KEY: GOOGLE,
      GOOGLE_API_KEY: GOOGLE,
      GEMINI_API_KEY: GOOGLE,
      AWS_ACCESS_KEY_ID: AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
      AWS_SESSION_TOKEN: AWS.sessionToken,
      AWS_REGION: "eu-central-1",
      // No groq key in Keyhaven: the inherited one stays.
      GROQ_API_KEY: "inherited",
    });
    // The child gets keys, not the token that fetches them; custom keys have no variable.
    expect(seen).not.toHaveProperty("KEYHAVEN_TOKEN");
    expect(JSON.stringify(seen)).not.toContain("custom-secret-value");
  });

  it("--only exports just those services", async () => {
    const { r, seen } = await childEnv(["--only", "anthropic"]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen?.ANTHROPIC_API_KEY).toBe(ANTHROPIC);
    expect(seen).not.toHaveProperty("OPENAI_API_KEY");
    expect(seen).not.toHaveProperty("AWS_ACCESS_KEY_ID");
  });

  it("--only with a service that has no key: exit 4, the command does not run", async () => {
    const { r, seen } = await childEnv(["--only", "openai,groq"]);
    expectOneLineFailure(r, CLI_EXIT.NOT_FOUND, "keyhaven: no usable key for: groq");
    expect(seen).toBeUndefined();
  });

  it("exits with the child's exit code", async () => {
    const r = await kh(["run", "--", process.execPath, CHILD, "exit", "7"], { env });
    expect(r.code).toBe(7);
    expect(r.stderr).toBe("");
  });

  it("takes the command without -- too: options end at the first word that is not one", async () => {
    const r = await kh(["run", "--only", "openai", process.execPath, CHILD, "exit", "3"], { env });
    expect(r.code, r.stderr).toBe(3);
  });

  it("a command that does not exist: exit 127", async () => {
    const r = await kh(["run", "--", "keyhaven-no-such-command"], { env });
    expectOneLineFailure(r, CLI_EXIT.COMMAND_NOT_FOUND, "keyhaven: command not found: keyhaven-no-such-command");
  });

  it("passes SIGTERM on to the child and dies of it as the child did", async () => {
    const marker = path.join(tempDir("keyhaven-signal-"), "got");
    const proc = startKh(["run", "--", process.execPath, CHILD, "signal", marker], { env });
    await proc.waitFor("ready");
    proc.child.kill("SIGTERM");
    const r = await proc.waitForExit(15_000);
    expect(fs.readFileSync(marker, "utf8")).toBe("SIGTERM");
    expect(r.signal).toBe("SIGTERM");
    expect(r.stderr).toBe("");
  });
});
