/**
 * The README's runnable examples, run as a user would run them (`node --import tsx
 * examples/….ts <userId>`, configured only by the environment) against the fake provider:
 * the right key reaches the provider with the right auth, the environment fallback is
 * reported as `source: env`, a user with no key gets a clear message and a non-zero exit,
 * and `close()` leaves the hand-outs counted.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Runtime } from "../../src/app/compose.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { actorFor } from "../support/actors.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const USER = "user_example";
const OPENAI_KEY = fakeKey("openai", "valid");
const AWS_KEY = fakeKey("aws", "valid");
const AWS_REGION = "eu-west-1";
/** Not a stored key's value, so the fake's log tells the two apart ("valid" makes it answer 200). */
const ENV_OPENAI_KEY = "sk-test-valid-from-env-0123456789";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async on purpose: the fake provider answers from this process's event loop. */
function runExample(script: string, userId: string, env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join("examples", script), userId],
      { cwd: ROOT, env: env, timeout: 45_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// SQLite only: the examples exercise the library's surface, which create-keyhaven.test.ts and
// resolution.test.ts already run on both databases; each run here is a cold tsx start (~1.5 s).
describe("README examples", () => {
  let fake: FakeProvider;
  let db: TestDatabase;
  let rt: Runtime;
  let openaiKeyId: string;
  let awsKeyId: string;

  /** Only what the examples need: nothing of the machine's own OPENAI_API_KEY, AWS_*, DATABASE_URL… */
  function childEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NODE_ENV: "test",
      KEYHAVEN_DATA_DIR: db.dataDir,
      KEYHAVEN_MASTER_KEY: db.masterKey,
      KEYHAVEN_OPENAI_BASE_URL: `${fake.url}/openai`,
      KEYHAVEN_AWS_BASE_URL: `${fake.url}/aws`,
      ...extra,
    };
  }

  const usageCount = async (id: string) => (await rt.keys.get(actorFor({ type: "user", id: USER }), { type: "user", id: USER }, id)).usageCount;

  beforeAll(async () => {
    fake = await startFakeProvider();
    db = createTestDatabase("sqlite");
    rt = await db.runtime();
    const owner = { type: "user" as const, id: USER };
    openaiKeyId = (await rt.keys.create(actorFor(owner), owner, { name: "example", service: "openai", value: OPENAI_KEY })).id;
    awsKeyId = (await rt.keys.create(actorFor(owner), owner, { name: "example", service: "aws", value: AWS_KEY, config: { region: AWS_REGION } })).id;
  });

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  describe.concurrent("openai-models.ts", () => {
    it("lists the models with the user's key, sent as a Bearer token", async ({ expect }) => {
      const run = await runExample("openai-models.ts", USER, childEnv());
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("source: user");
      expect(run.stdout).toContain("model: fake-model");
      const seen = fake.requests.filter((r) => r.path === "/openai/models" && r.headers.authorization === `Bearer ${OPENAI_KEY}`);
      expect(seen).toHaveLength(1);
      expect(seen[0].wrongAuth).toBeUndefined();
      expect(await usageCount(openaiKeyId)).toBe(1); // written by close() before the process ended
    });

    it("falls back to OPENAI_API_KEY for a user without a key (source: env)", async ({ expect }) => {
      const run = await runExample("openai-models.ts", "user_without_keys", childEnv({ OPENAI_API_KEY: ENV_OPENAI_KEY }));
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("source: env");
      expect(run.stdout).toContain("model: fake-model");
      expect(fake.requests.filter((r) => r.headers.authorization === `Bearer ${ENV_OPENAI_KEY}`)).toHaveLength(1);
    });

    it("says clearly that there is no key, and exits non-zero, when there is none", async ({ expect }) => {
      const run = await runExample("openai-models.ts", "user_without_keys", childEnv());
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('No OpenAI key for user "user_without_keys"');
      expect(run.stderr).toContain("OPENAI_API_KEY");
    });
  });

  describe.concurrent("aws-sts-identity.ts", () => {
    it("gets the caller identity with the user's credentials, SigV4-signed for their region", async ({ expect }) => {
      const run = await runExample("aws-sts-identity.ts", USER, childEnv());
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("source: user");
      expect(run.stdout).toContain(`region: ${AWS_REGION}`);
      expect(run.stdout).toContain("arn: arn:aws:iam::123456789012:user/fake");
      const seen = fake.requests.filter((r) => r.path === "/aws/" && r.headers.authorization?.includes(AWS_KEY.accessKeyId));
      expect(seen).toHaveLength(1);
      expect(seen[0].wrongAuth).toBeUndefined();
      expect(seen[0].headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=${AWS_KEY.accessKeyId}/\\d{8}/${AWS_REGION}/sts/aws4_request, `),
      );
      expect(seen[0].headers.authorization).not.toContain(AWS_KEY.secretAccessKey);
      // getAWSCredentials + getServiceConfig (for the endpoint): two hand-outs.
      expect(await usageCount(awsKeyId)).toBe(2);
    });

    it("says clearly that there are no credentials, and exits non-zero, when there are none", async ({ expect }) => {
      const run = await runExample("aws-sts-identity.ts", "user_without_keys", childEnv());
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('No AWS credentials for user "user_without_keys"');
    });
  });

  // After the concurrent runs above: the runs without a key sent nothing, and nothing was refused.
  it("sent the provider exactly one request per successful run, all with the right auth", ({ expect }) => {
    expect(fake.requests.map((r) => r.path).sort()).toEqual(["/aws/", "/openai/models", "/openai/models"]);
    expect(fake.requests.filter((r) => r.wrongAuth !== undefined)).toEqual([]);
  });
});
