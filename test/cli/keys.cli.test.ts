/** `keyhaven keys list|add|test|rm` against a real server whose providers are the fake provider. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_EXIT } from "../../src/cli/client/cli-error.js";
import { fakeKey, FAKE_AWS_SECRET_ACCESS_KEY } from "../support/fake-provider.js";
import { jsonOf, type SignedUpUser } from "../support/http-app.js";
import { expectStartupFailure as expectOneLineFailure, killAll, removeTempDirs } from "../startup/run-cli.js";
import { kh, startCliServer, type CliServer } from "./cli-server.js";

let s: CliServer;
let env: Record<string, string>;
let ada: SignedUpUser;

beforeAll(async () => {
  s = await startCliServer();
  ada = await s.h.signUp();
  const { token } = await s.makeToken(ada, ["keys:read", "keys:write"]);
  env = { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token };
});
afterAll(async () => {
  await killAll();
  await s?.close();
  removeTempDirs();
});

const serverKeys = async () => (await jsonOf(await s.h.request("GET", "/api/api-keys", { cookie: ada.cookie }), 200)).apiKeys as any[];

describe("keyhaven keys", () => {
  const valid = fakeKey("openai", "valid");
  const invalid = fakeKey("openai", "invalid");

  it("add reads the value from stdin (never argv) and creates the key", async () => {
    const [a, b] = await Promise.all([
      kh(["keys", "add", "openai", "--name", "good", "--description", "from the CLI", "--default"], { env, input: `${valid}\n` }),
      kh(["keys", "add", "openai", "--name", "bad"], { env, input: `${invalid}\n` }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^created openai key "good" \(key_[\w-]+, sk-…cdef\)\n$/);
    expect(b.code, b.stderr).toBe(0);
    for (const r of [a, b]) expect(r.stdout + r.stderr).not.toMatch(/sk-test-(in)?valid/);
    const keys = await serverKeys();
    expect(keys.find((k) => k.name === "good")).toMatchObject({ service: "openai", description: "from the CLI", isDefault: true });
  });

  it("add for aws reads ID, secret and an empty session token line; --region goes to config", async () => {
    const aws = fakeKey("aws", "valid");
    const r = await kh(["keys", "add", "aws", "--name", "aws one", "--region", "eu-west-1"], {
      env,
      input: `${aws.accessKeyId}\n${aws.secretAccessKey}\n\n`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
    const created = (await serverKeys()).find((k) => k.name === "aws one");
    expect(created).toMatchObject({ service: "aws", config: { region: "eu-west-1" } });
  });

  it("add refuses a wrong format with the server's reason (exit 1) and needs --name (exit 2)", async () => {
    const [wrong, noName] = await Promise.all([
      kh(["keys", "add", "groq", "--name", "g"], { env, input: "not-a-groq-key-at-all\n" }),
      kh(["keys", "add", "groq"], { env }),
    ]);
    expectOneLineFailure(wrong, CLI_EXIT.GENERAL, /^keyhaven: Invalid API key format: Groq keys .*\(it does not start with "gsk_"\)$/);
    expect(wrong.stderr).not.toContain("not-a-groq-key-at-all");
    expectOneLineFailure(noName, CLI_EXIT.USAGE, "keys add needs --name NAME");
  });

  it("list shows masked keys, never a value; --json gives the API's objects", async () => {
    const [table, json, filtered] = await Promise.all([kh(["keys", "list"], { env }), kh(["keys", "list", "--json"], { env }), kh(["keys", "list", "--service", "aws"], { env })]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SERVICE\s+NAME\s+KEY\s+STATUS\s+LAST TEST$/);
    expect(table.stdout).toMatch(/key_\S+\s+openai\s+good\s+sk-…cdef\s+active, default\s+never/);
    expect(table.stdout).not.toContain(valid);
    expect(table.stdout).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
    expect(JSON.parse(json.stdout).map((k: { name: string }) => k.name).sort()).toEqual(["aws one", "bad", "good"]);
    expect(json.stdout).not.toContain(valid);
    expect(filtered.stdout).toContain("aws one");
    expect(filtered.stdout).not.toContain("good");
  });

  it("test sends the key to its provider: valid exits 0, invalid exits 1", async () => {
    const [good, bad, missing] = await Promise.all([kh(["keys", "test", "good"], { env }), kh(["keys", "test", "bad"], { env }), kh(["keys", "test", "nope"], { env })]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^openai key "good": valid: .*\(\d+ ms\)\n$/);
    expect(bad.code).toBe(CLI_EXIT.GENERAL);
    expect(bad.stdout).toMatch(/^openai key "bad": invalid: /);
    expect(bad.stdout).not.toContain(invalid);
    expectOneLineFailure(missing, CLI_EXIT.NOT_FOUND, 'no key with the id or name "nope"');
    // The fake saw the key, so the test really went out.
    expect(s.fake.requests.some((r) => r.headers.authorization === `Bearer ${valid}`)).toBe(true);
  });

  it("rm needs --yes without a terminal, then deletes by name or id", async () => {
    const refused = await kh(["keys", "rm", "bad"], { env });
    expectOneLineFailure(refused, CLI_EXIT.USAGE, "add --yes when not on a terminal");
    const id = (await serverKeys()).find((k) => k.name === "bad").id as string;
    const [byName, byId] = await Promise.all([kh(["keys", "rm", "--yes", "bad"], { env }), kh(["keys", "rm", "aws one", "-y"], { env })]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(`deleted openai key "bad" (${id})\n`);
    expect(byId.code, byId.stderr).toBe(0);
    expect((await serverKeys()).map((k) => k.name)).toEqual(["good"]);
  });
});
