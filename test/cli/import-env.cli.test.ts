/** `keyhaven import-env FILE` against a real server: created, skipped with the reason, ignored. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_EXIT } from "../../src/cli/client/cli-error.js";
import { fakeKey, FAKE_AWS_SECRET_ACCESS_KEY } from "../support/fake-provider.js";
import { jsonOf, type SignedUpUser } from "../support/http-app.js";
import { expectStartupFailure as expectOneLineFailure, killAll, removeTempDirs, tempDir } from "../startup/run-cli.js";
import { kh, startCliServer, type CliServer } from "./cli-server.js";

let s: CliServer;

beforeAll(async () => {
  s = await startCliServer();
});
afterAll(async () => {
  await killAll();
  await s?.close();
  removeTempDirs();
});

async function userWithToken(): Promise<{ user: SignedUpUser; env: Record<string, string> }> {
  const user = await s.h.signUp();
  const { token } = await s.makeToken(user, ["keys:read", "keys:write"]);
  return { user, env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token } };
}

const OPENAI = fakeKey("openai", "valid");
const ANTHROPIC = fakeKey("anthropic", "valid");
const AWS = fakeKey("aws", "valid");

const SAMPLE = `# keys for the demo app
export OPENAI_API_KEY="${OPENAI}"
ANTHROPIC_API_KEY='${ANTHROPIC}'   # the work one

GROQ_API_KEY=not-a-groq-key-secret
DATABASE_URL=postgres://localhost/app
AWS_ACCESS_KEY_ID=${AWS.accessKeyId}
AWS_SECRET_ACCESS_KEY=${AWS.secretAccessKey} # comment
AWS_REGION=eu-west-1
`;

function writeEnv(text: string): string {
  const file = path.join(tempDir("keyhaven-env-"), ".env");
  fs.writeFileSync(file, text);
  return file;
}

describe("keyhaven import-env", () => {
  it("creates one key per recognised variable, one aws key from the AWS pair, and reports the rest", async () => {
    const { user, env } = await userWithToken();
    const r = await kh(["import-env", writeEnv(SAMPLE)], { env });
    // One value was skipped: exit 1, everything else created.
    expect(r.code, r.stderr).toBe(CLI_EXIT.GENERAL);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^created openai key "OPENAI_API_KEY \(\.env\)" \(key_[\w-]+, sk-…cdef\) from OPENAI_API_KEY$/),
      expect.stringMatching(/^created anthropic key "ANTHROPIC_API_KEY \(\.env\)" \(key_[\w-]+, sk-ant-…cdef\) from ANTHROPIC_API_KEY$/),
      expect.stringMatching(/^created aws key "AWS \(\.env\)" \(key_[\w-]+, AKIA…0000\) from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION$/),
      expect.stringMatching(/^skipped GROQ_API_KEY \(line 5\): Invalid API key format: Groq keys .*\(it does not start with "gsk_"\)$/),
      "ignored (not a key variable Keyhaven knows): DATABASE_URL",
      "3 created, 1 skipped, 1 ignored",
    ]);
    for (const secret of [OPENAI, ANTHROPIC, FAKE_AWS_SECRET_ACCESS_KEY, "not-a-groq-key-secret", "postgres://"]) expect(r.stdout).not.toContain(secret);

    const keys = (await jsonOf(await s.h.request("GET", "/api/api-keys", { cookie: user.cookie }), 200)).apiKeys as any[];
    expect(keys.map((k) => [k.service, k.name]).sort()).toEqual([
      ["anthropic", "ANTHROPIC_API_KEY (.env)"],
      ["aws", "AWS (.env)"],
      ["openai", "OPENAI_API_KEY (.env)"],
    ]);
    expect(keys.find((k) => k.service === "aws").config).toEqual({ region: "eu-west-1" });
    // The stored values are the file's, quotes and comments gone.
    const openai = keys.find((k) => k.service === "openai");
    const revealed = await jsonOf(await s.h.request("GET", `/api/api-keys/${openai.id}?includeValue=true`, { cookie: user.cookie }), 200);
    expect(revealed.value).toBe(OPENAI);

    // Again: the names exist, so the server refuses each (409) and they are skipped with its reason.
    const again = await kh(["import-env", writeEnv(SAMPLE)], { env });
    expect(again.code).toBe(CLI_EXIT.GENERAL);
    expect(again.stdout).toMatch(/skipped OPENAI_API_KEY \(line 2\): .*exists/);
    expect(again.stdout).toContain("0 created, 4 skipped, 1 ignored");
  });

  it("exits 0 when everything recognised was created; --dry-run creates nothing", async () => {
    const { user, env } = await userWithToken();
    const file = writeEnv(`OPENAI_API_KEY=${OPENAI}\n`);
    const dry = await kh(["import-env", "--dry-run", file], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('would create openai key "OPENAI_API_KEY (.env)" from OPENAI_API_KEY\n1 to create, 0 skipped, 0 ignored\n');
    const list = async () => (await jsonOf(await s.h.request("GET", "/api/api-keys", { cookie: user.cookie }), 200)).apiKeys as any[];
    expect(await list()).toEqual([]);
    const real = await kh(["import-env", file], { env });
    expect(real.code, real.stderr).toBe(0);
    expect(await list()).toHaveLength(1);
  });

  it("a file that cannot be read is one line, exit 1", async () => {
    const r = await kh(["import-env", "/nonexistent/.env"], { env: { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: "kh_x" } });
    expectOneLineFailure(r, CLI_EXIT.GENERAL, "keyhaven: cannot read /nonexistent/.env: no such file");
  });
});
