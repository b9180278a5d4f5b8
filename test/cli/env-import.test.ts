/** Planning `keyhaven import-env`: which variables become keys, with the server's own format check. */
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/cli/client/dotenv.js";
import { planImport } from "../../src/cli/client/env-import.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, FAKE_AWS_SESSION_TOKEN } from "../support/fake-provider.js";

const OPENAI = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
const GOOGLE = `AIza${"a".repeat(35)}`;
const plan = (text: string) => planImport(parseDotenv(text).entries, ".env");

describe("planImport", () => {
  it("makes one key per recognised variable, named after the variable and the file", () => {
    const p = plan(`OPENAI_API_KEY=${OPENAI}\nDATABASE_URL=postgres://x\nGROQ_API_KEY=gsk_abcdefghijklmnopqrstuvwxyz`);
    expect(p.keys).toEqual([
      { service: "openai", name: "OPENAI_API_KEY (.env)", value: OPENAI, variables: ["OPENAI_API_KEY"], line: 1 },
      { service: "groq", name: "GROQ_API_KEY (.env)", value: "gsk_abcdefghijklmnopqrstuvwxyz", variables: ["GROQ_API_KEY"], line: 3 },
    ]);
    expect(p.ignored).toEqual(["DATABASE_URL"]);
    expect(p.skipped).toEqual([]);
  });

  it("skips a value of the wrong format with the server's reason, never quoting it", () => {
    const p = plan(`ANTHROPIC_API_KEY=not-anthropic-secret-value-123\nXAI_API_KEY=\nOPENAI_API_KEY=${"sk-ant-api03-" + "x".repeat(30)}`);
    expect(p.keys).toEqual([]);
    expect(p.skipped).toEqual([
      { variables: ["ANTHROPIC_API_KEY"], line: 1, reason: expect.stringMatching(/^Invalid API key format: Anthropic keys .*\(it does not start with "sk-ant-"\)$/) },
      { variables: ["XAI_API_KEY"], line: 2, reason: expect.stringMatching(/^Invalid API key format: .*\(the value is empty\)$/) },
      { variables: ["OPENAI_API_KEY"], line: 3, reason: expect.stringContaining("this looks like an Anthropic key; add it under Anthropic") },
    ]);
    expect(JSON.stringify(p)).not.toContain("not-anthropic-secret-value-123");
  });

  it("makes one Google key when its aliases hold the same value, two when they differ", () => {
    const same = plan(`GOOGLE_API_KEY=${GOOGLE}\nGEMINI_API_KEY=${GOOGLE}`);
    expect(same.keys).toEqual([{ service: "google", name: "GOOGLE_API_KEY (.env)", value: GOOGLE, variables: ["GOOGLE_API_KEY", "GEMINI_API_KEY"], line: 1 }]);
    const other = `AIza${"b".repeat(35)}`;
    expect(plan(`GOOGLE_API_KEY=${GOOGLE}\nGEMINI_API_KEY=${other}`).keys.map((k) => k.name)).toEqual(["GOOGLE_API_KEY (.env)", "GEMINI_API_KEY (.env)"]);
  });

  it("joins the AWS variables into one aws key with the region in config", () => {
    const p = plan(
      [`AWS_REGION=eu-west-1`, `AWS_ACCESS_KEY_ID=ASIAVALID00000000000`, `AWS_SECRET_ACCESS_KEY=${FAKE_AWS_SECRET_ACCESS_KEY}`, `AWS_SESSION_TOKEN=${FAKE_AWS_SESSION_TOKEN}`].join("\n"),
    );
    expect(p.keys).toEqual([
      {
        service: "aws",
        name: "AWS (.env)",
        value: { accessKeyId: "ASIAVALID00000000000", secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY, sessionToken: FAKE_AWS_SESSION_TOKEN },
        config: { region: "eu-west-1" },
        variables: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"],
        line: 1,
      },
    ]);
    expect(p.ignored).toEqual([]);
  });

  it("skips half an AWS pair and a wrong AWS secret with the reason", () => {
    expect(plan("AWS_ACCESS_KEY_ID=AKIAVALID00000000000").skipped).toEqual([
      { variables: ["AWS_ACCESS_KEY_ID"], line: 1, reason: "AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY: AWS keys need both" },
    ]);
    expect(plan("AWS_ACCESS_KEY_ID=AKIAVALID00000000000\nAWS_SECRET_ACCESS_KEY=short").skipped).toEqual([
      { variables: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], line: 1, reason: expect.stringMatching(/^Invalid API key format: AWS secret access keys .*\(it is too short\)$/) },
    ]);
    // A region alone is not a key.
    expect(plan("AWS_REGION=us-east-1")).toEqual({ keys: [], skipped: [], ignored: ["AWS_REGION"] });
  });
});
