/**
 * The library entry end to end: createKeyhaven on a data dir / database another instance
 * wrote, the master key check, and the lazily created `apiKeyProvider` with its shutdown flush.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SQLITE_FILE_NAME } from "../../src/db/connect.js";
import { generateMasterKeyBase64 } from "../../src/crypto/master-keyring.js";
import { StartupError } from "../../src/platform/errors.js";
import { createKeyhaven } from "../../src/index.js";
import { createTestDatabase, describeEachDatabase, tempDir, TEST_DATABASE_URL, type TestDatabase } from "../support/databases.js";
import { keys, newUserId, storedUsage, userOwner } from "./fixtures.js";
import { actorFor } from "../support/actors.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The options that open the same storage as `db` from outside the test helpers. */
function optionsFor(db: TestDatabase) {
  if (db.dialect === "sqlite") return { dataDir: db.dataDir, masterKey: db.masterKey };
  const url = new URL(TEST_DATABASE_URL!);
  url.searchParams.set("options", `-c search_path=${db.pgSchema}`);
  return { dataDir: db.dataDir, masterKey: db.masterKey, databaseUrl: url.toString() };
}

/** The environment fallback of the machine running the tests must not leak in. */
function clearFallbackEnv() {
  for (const name of [
    "DATABASE_URL",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GOOGLE_GENERATIVE_AI_API_KEY",
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GROQ_API_KEY",
    "XAI_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "KEYHAVEN_MASTER_KEY",
    "KEYHAVEN_DATA_DIR",
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("NODE_ENV", "test");
}

describeEachDatabase("createKeyhaven", (dialect) => {
  let db: TestDatabase;
  beforeEach(() => {
    clearFallbackEnv();
    db = createTestDatabase(dialect);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await db.drop();
  });

  it("hands out a key stored by another instance, and counts the use", async () => {
    const user = newUserId();
    const value = keys.openai();
    const writer = await db.runtime();
    const key = await writer.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value });
    await writer.close();

    const keyhaven = await createKeyhaven(optionsFor(db));
    expect(await keyhaven.apiKeyProvider.getOpenAIApiKey(user)).toBe(value);
    expect(await keyhaven.apiKeyProvider.getServiceConfig(user, "openai")).toMatchObject({ apiKey: value, source: "user" });
    expect(await keyhaven.apiKeyProvider.getAnthropicApiKey(user)).toBeUndefined();
    await keyhaven.close();
    await keyhaven.close(); // idempotent

    const reader = await db.runtime();
    expect((await storedUsage(reader.database.db, key.id)).usageCount).toBe(2);
  });

  it("refuses a wrong master key at creation", async () => {
    const writer = await db.runtime();
    const owner = userOwner(newUserId());
    await writer.keys.create(actorFor(owner), owner, { name: "k", service: "openai", value: keys.openai() });
    await writer.close();

    const wrong = createKeyhaven({ ...optionsFor(db), masterKey: generateMasterKeyBase64() });
    await expect(wrong).rejects.toBeInstanceOf(StartupError);
    await expect(wrong).rejects.toThrow(/master key does not match/);
  });

  it("refuses a malformed master key without echoing it", async () => {
    const err = await createKeyhaven({ ...optionsFor(db), masterKey: "not-a-real-key!!" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).not.toContain("not-a-real-key");
  });
});

describe("createKeyhaven options", () => {
  it("refuses a databaseUrl that is not PostgreSQL", async () => {
    await expect(createKeyhaven({ dataDir: tempDir(), databaseUrl: "mysql://x/y" })).rejects.toThrow(/postgres/);
  });
});

describe("the ready-made apiKeyProvider", () => {
  beforeEach(() => {
    clearFallbackEnv();
    vi.resetModules();
  });
  afterEach(() => vi.unstubAllEnvs());

  it("opens nothing until its first call, then reads the environment like the server", async () => {
    const dataDir = tempDir();
    vi.stubEnv("KEYHAVEN_DATA_DIR", dataDir);
    vi.stubEnv("KEYHAVEN_MASTER_KEY", generateMasterKeyBase64());
    vi.stubEnv("OPENAI_API_KEY", "sk-from-the-environment");
    const sigterm = process.listenerCount("SIGTERM");

    const lib = await import("../../src/index.js");
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(process.listenerCount("SIGTERM")).toBe(sigterm);

    expect(await lib.apiKeyProvider.getOpenAIApiKey("someone")).toBe("sk-from-the-environment");
    expect(fs.existsSync(path.join(dataDir, SQLITE_FILE_NAME))).toBe(true);
    expect(process.listenerCount("SIGTERM")).toBe(sigterm + 1);
    await lib.closeApiKeyProvider();
    expect(process.listenerCount("SIGTERM")).toBe(sigterm);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("has every call of the library contract", async () => {
    const { apiKeyProvider } = await import("../../src/index.js");
    expect(Object.keys(apiKeyProvider).sort()).toEqual(
      [
        "getApiKey",
        "getOpenAIApiKey",
        "getAnthropicApiKey",
        "getGoogleApiKey",
        "getGroqApiKey",
        "getXAIApiKey",
        "getCustomApiKey",
        "getApiKeys",
        "validateRequiredKeys",
        "getServiceConfig",
        "getAWSCredentials",
      ].sort(),
    );
  });

  /** Runs a script that imports the library from source, in a fresh Node process. */
  function runChild(script: string, env: Record<string, string>, onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
    const dir = tempDir("keyhaven-child-");
    const file = path.join(dir, "child.mjs");
    const entry = pathToFileURL(path.join(ROOT, "src/index.ts")).href;
    fs.writeFileSync(file, `import { apiKeyProvider } from ${JSON.stringify(entry)};\n${script}`);
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => d.split("\n").filter(Boolean).forEach((l) => onLine?.(l, child)));
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
      child.on("exit", (code, signal) => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve({ code, signal, stderr });
      }),
    );
  }

  async function seeded() {
    const db = createTestDatabase("sqlite");
    const rt = await db.runtime();
    const user = newUserId();
    const key = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "k", service: "openai", value: keys.openai() });
    await rt.close();
    const env = { KEYHAVEN_DATA_DIR: db.dataDir, KEYHAVEN_MASTER_KEY: db.masterKey };
    return { db, user, key, env };
  }

  it("writes its counts when the process ends by itself (beforeExit)", async () => {
    const { db, user, key, env } = await seeded();
    const result = await runChild(`await apiKeyProvider.getOpenAIApiKey(${JSON.stringify(user)});\nawait apiKeyProvider.getOpenAIApiKey(${JSON.stringify(user)});\n`, env);
    expect(result, result.stderr).toMatchObject({ code: 0, signal: null });
    const rt = await db.runtime();
    expect((await storedUsage(rt.database.db, key.id)).usageCount).toBe(2);
    await db.drop();
  });

  it("writes its counts on SIGTERM, then lets the signal end the process", async () => {
    const { db, user, key, env } = await seeded();
    const script = `for (let i = 0; i < 3; i++) await apiKeyProvider.getOpenAIApiKey(${JSON.stringify(user)});
console.log("ready");
setInterval(() => {}, 1000); // keeps running, like a server
`;
    const result = await runChild(script, env, (line, child) => {
      if (line === "ready") child.kill("SIGTERM");
    });
    expect(result, result.stderr).toMatchObject({ signal: "SIGTERM" });
    const rt = await db.runtime();
    expect((await storedUsage(rt.database.db, key.id)).usageCount).toBe(3);
    await db.drop();
  });
});
