/** The variables `keyhaven run` sets, derived from the providers' envVars. */
import { describe, expect, it } from "vitest";
import { awsLines, parseOnly, runServices, runVariables } from "../../src/cli/client/run-env.js";
import type { ResolvedKey } from "../../src/cli/client/api-client.js";
import { CliError } from "../../src/cli/client/cli-error.js";
import type { ServiceId } from "../../src/shared/service-ids.js";

const resolved = (service: ServiceId, apiKey: string, extra: Partial<ResolvedKey> = {}): ResolvedKey => ({
  service,
  apiKey,
  baseUrl: "https://api.example.com",
  headers: {},
  source: "user",
  keyId: "key_x",
  ...extra,
});

describe("run variables", () => {
  it("exports every service with a standard variable, never custom", () => {
    expect(runServices()).toEqual(["openai", "anthropic", "google", "groq", "xai", "aws"]);
  });

  it("sets each service's variables, all Google aliases, and AWS parts from the credentials", () => {
    const { set, unset } = runVariables({
      openai: resolved("openai", "sk-o"),
      google: resolved("google", "AIza-g"),
      groq: null,
      aws: resolved("aws", "AKIA1", { region: "eu-west-1", credentials: { accessKeyId: "AKIA1", secretAccessKey: "s3cret" } }),
      custom: resolved("custom", "never"),
    });
    expect(set).toEqual({
      OPENAI_API_KEY: "sk-o",
      GOOGLE_GENERATIVE_AI_API_KEY: "AIza-g",
      GOOGLE_API_KEY: "AIza-g",
      GEMINI_API_KEY: "AIza-g",
      AWS_ACCESS_KEY_ID: "AKIA1",
      AWS_SECRET_ACCESS_KEY: "s3cret",
      AWS_REGION: "eu-west-1",
    });
    // Long-term credentials: an inherited session token must not pair with them.
    expect(unset).toEqual(["AWS_SESSION_TOKEN"]);
  });

  it("prints aws as AWS_* lines, the session token only when there is one", () => {
    const creds = { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t" };
    expect(awsLines(resolved("aws", "ASIA1", { region: "us-east-1", credentials: creds }))).toEqual([
      "AWS_ACCESS_KEY_ID=ASIA1",
      "AWS_SECRET_ACCESS_KEY=s",
      "AWS_SESSION_TOKEN=t",
      "AWS_REGION=us-east-1",
    ]);
  });

  it("checks --only: known services with a variable", () => {
    expect(parseOnly("openai, anthropic,openai")).toEqual(["openai", "anthropic"]);
    expect(() => parseOnly("custom")).toThrow(/custom keys have no standard environment variable/);
    expect(() => parseOnly("nope")).toThrow(/unknown service "nope"/);
    expect(() => parseOnly(",")).toThrow(CliError);
  });
});
