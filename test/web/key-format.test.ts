import { describe, expect, it } from "vitest";
import { checkAwsKey, checkBaseUrl } from "../../web/src/lib/key-format";
import { checkStringKey } from "./catalog-shapes";

const body = (n: number) => "a".repeat(n);

describe("checkStringKey", () => {
  it("says nothing for an empty field", () => {
    expect(checkStringKey("openai", "  ").state).toBe("empty");
  });
  it("accepts each service's prefix", () => {
    expect(checkStringKey("openai", `sk-proj-${body(40)}`).state).toBe("ok");
    expect(checkStringKey("anthropic", `sk-ant-api03-${body(40)}`).state).toBe("ok");
    expect(checkStringKey("google", `AIza${body(35)}`).state).toBe("ok");
    expect(checkStringKey("groq", `gsk_${body(40)}`).state).toBe("ok");
    expect(checkStringKey("xai", `xai-${body(40)}`).state).toBe("ok");
    expect(checkStringKey("custom", "anything at all").state).toBe("ok");
  });
  it("trims pasted whitespace around the key", () => {
    expect(checkStringKey("openai", `  sk-${body(30)}\n`).state).toBe("ok");
  });
  it("names the expected prefix", () => {
    expect(checkStringKey("openai", "not-a-key-at-all-really")).toEqual({ state: "error", message: "OpenAI keys start with sk-" });
    expect(checkStringKey("groq", `gsk-${body(30)}`)).toMatchObject({ state: "error", message: expect.stringContaining("gsk_") });
  });
  it("spots a key pasted under the wrong service", () => {
    expect(checkStringKey("openai", `sk-ant-${body(30)}`)).toMatchObject({ state: "error", message: expect.stringContaining("Anthropic") });
    expect(checkStringKey("anthropic", `sk-proj-${body(30)}`)).toMatchObject({ state: "error", message: expect.stringContaining("OpenAI") });
  });
  it("does not cry wolf while an Anthropic prefix is still being typed", () => {
    expect(checkStringKey("anthropic", "sk-a")).toMatchObject({ message: expect.not.stringContaining("OpenAI") });
  });
  it("counts Google's 35 characters", () => {
    expect(checkStringKey("google", `AIza${body(34)}`)).toMatchObject({ state: "error", message: expect.stringContaining("34 so far") });
    expect(checkStringKey("google", `AIza${body(36)}`).state).toBe("error");
  });
  it("refuses characters other than letters, digits, - and _ and inner spaces", () => {
    expect(checkStringKey("openai", `sk-${body(20)}!`).state).toBe("error");
    expect(checkStringKey("openai", `sk-${body(10)} ${body(10)}`).state).toBe("error");
  });
  it("wants at least 20 characters for prefixed keys", () => {
    expect(checkStringKey("xai", `xai-${body(5)}`)).toMatchObject({ state: "error", message: expect.stringContaining("short") });
  });
});

describe("checkAwsKey", () => {
  const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  it("accepts long-term credentials", () => {
    expect(checkAwsKey({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, sessionToken: "" }).state).toBe("ok");
  });
  it("wants a session token for ASIA keys and none for AKIA keys", () => {
    expect(checkAwsKey({ accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: secret, sessionToken: "" })).toMatchObject({ state: "error", message: expect.stringContaining("session token") });
    expect(checkAwsKey({ accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: secret, sessionToken: "tok" }).state).toBe("ok");
    expect(checkAwsKey({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, sessionToken: "tok" }).state).toBe("error");
  });
  it("checks the id and the secret's length", () => {
    expect(checkAwsKey({ accessKeyId: "AKIA123", secretAccessKey: secret, sessionToken: "" }).state).toBe("error");
    expect(checkAwsKey({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "short", sessionToken: "" })).toMatchObject({ message: expect.stringContaining("40") });
  });
});

describe("checkBaseUrl", () => {
  it("requires a full https URL and warns about http", () => {
    expect(checkBaseUrl("").state).toBe("error");
    expect(checkBaseUrl("llm.example.com").state).toBe("error");
    expect(checkBaseUrl("ftp://llm.example.com").state).toBe("error");
    expect(checkBaseUrl("https://llm.example.com/v1")).toEqual({ state: "ok", message: "" });
    expect(checkBaseUrl("http://10.0.0.5/v1")).toMatchObject({ state: "ok", message: expect.stringContaining("operator") });
  });
});
