import { describe, expect, it } from "vitest";
import { maskKeyValue, normalizeKeyValue, type StringServiceId } from "../../src/services/index.js";
import { AWS_SECRET_CHARS, UPPER_DIGITS, URL_SAFE, randomString, rng } from "./helpers.js";

const ELLIPSIS = "…";

describe("maskKeyValue examples", () => {
  it.each([
    ["openai", "sk-proj-AbCdEfGhIjKlMnOpQrStx7Qz", "sk-…x7Qz"],
    ["openai", "sk-svcacct-AbCdEfGhIjKlMnOpQrSt1234", "sk-…1234"],
    ["anthropic", "sk-ant-api03-AbCdEfGhIjKlMnOpAbCd", "sk-ant-…AbCd"],
    ["google", "AIzaSyAbCdEfGhIjKlMnOpQrStUvWxYz0121234", "AIza…1234"],
    ["groq", "gsk_ABCDEFGHIJKLMNOPQRSTUVWXYZabcd", "gsk_…abcd"],
    ["xai", "xai-ABCDEFGHIJKLMNOPQRSTUVWXYZabcd", "xai-…abcd"],
    ["custom", "some-long-custom-token-abcd", "…abcd"],
  ] as Array<[StringServiceId, string, string]>)("%s %s → %s", (service, value, mask) => {
    expect(maskKeyValue(service, value)).toBe(mask);
  });

  it("keeps only sk- for OpenAI project keys, so the project id is not shown", () => {
    const mask = maskKeyValue("openai", "sk-proj-secretproject_abcdefghijklmnop-WXYZ");
    expect(mask).toBe("sk-…WXYZ");
    expect(mask).not.toContain("proj");
  });

  it("shows no trailing characters when fewer than 12 follow the prefix", () => {
    expect(maskKeyValue("openai", "sk-12345678901")).toBe("sk-…"); // 11 after the prefix
    expect(maskKeyValue("openai", "sk-123456789012")).toBe("sk-…9012"); // 12 after the prefix
    expect(maskKeyValue("anthropic", "sk-ant-short")).toBe("sk-ant-…");
    expect(maskKeyValue("custom", "abcdefghijk")).toBe("…");
    expect(maskKeyValue("custom", "abcdefghijkl")).toBe("…ijkl");
    expect(maskKeyValue("custom", "x")).toBe("…");
  });

  it("does not claim a prefix the value does not carry", () => {
    expect(maskKeyValue("openai", "pk-abcdefghijklmnopqrstuvwxyz")).toBe("…wxyz");
  });

  it("masks AWS by the access key id and never shows the secret", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    expect(maskKeyValue("aws", { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret })).toBe("AKIA…MPLE");
    expect(
      maskKeyValue("aws", { accessKeyId: "ASIAIOSFODNN7EXAWXYZ", secretAccessKey: secret, sessionToken: "t" }),
    ).toBe("ASIA…WXYZ");
    // A broken value still masks to something that reveals nothing.
    expect(maskKeyValue("aws", { accessKeyId: "", secretAccessKey: secret })).toBe(ELLIPSIS);
    expect(maskKeyValue("aws", secret)).toBe(ELLIPSIS);
  });
});

/** Asserts the mask is `prefix…tail` where tail is the value's last 4 characters, or empty when short. */
function expectSafeMask(mask: string, value: string, prefix: string): void {
  expect(mask.startsWith(`${prefix}${ELLIPSIS}`)).toBe(true);
  const revealed = mask.slice(prefix.length + ELLIPSIS.length);
  expect(revealed.length).toBeLessThanOrEqual(4);
  const afterPrefix = value.length - prefix.length;
  if (afterPrefix < 12) {
    expect(revealed).toBe("");
  } else {
    expect(revealed).toBe(value.slice(-4));
  }
}

describe("maskKeyValue properties over random keys", () => {
  const next = rng(20261125);
  const generators: Array<[StringServiceId, string, () => string]> = [
    ["openai", "sk-", () => `sk-${pick(["", "proj-", "svcacct-", "admin-"])}${randomString(next, URL_SAFE, 17 + int(200))}`],
    ["anthropic", "sk-ant-", () => `sk-ant-${pick(["api03-", "admin01-"])}${randomString(next, URL_SAFE, 13 + int(120))}`],
    ["google", "AIza", () => `AIza${randomString(next, URL_SAFE, 35)}`],
    ["groq", "gsk_", () => `gsk_${randomString(next, URL_SAFE, 16 + int(80))}`],
    ["xai", "xai-", () => `xai-${randomString(next, URL_SAFE, 16 + int(120))}`],
    ["custom", "", () => randomString(next, "abcXYZ019 -_./+=:", 1 + int(300)).trim() || "k"],
  ];
  function int(n: number): number {
    return Math.floor(next() * n);
  }
  function pick<T>(xs: T[]): T {
    return xs[int(xs.length)];
  }

  it.each(generators)("%s: 500 valid keys reveal only the prefix and the last 4", (service, prefix, generate) => {
    for (let i = 0; i < 500; i++) {
      const value = normalizeKeyValue(service, generate());
      expectSafeMask(maskKeyValue(service, value), value, prefix);
    }
  });

  it.each(generators)("%s: 500 short keys (under 12 after the prefix) reveal nothing", (service, prefix) => {
    for (let i = 0; i < 500; i++) {
      const value = `${prefix}${randomString(next, URL_SAFE, int(12))}`;
      expect(maskKeyValue(service, value)).toBe(`${prefix}${ELLIPSIS}`);
    }
  });

  it("aws: 500 random credentials mask the id and never a character of the secret", () => {
    for (let i = 0; i < 500; i++) {
      const accessKeyId = `${pick(["AKIA", "ASIA"])}${randomString(next, UPPER_DIGITS, 16)}`;
      // The secret's tail is lower-case, the id is upper-case and digits: any overlap would be the secret.
      const secretAccessKey = `${randomString(next, AWS_SECRET_CHARS, 36)}${randomString(next, "abcdefghijklmnopqrstuvwxyz", 4)}`;
      const sessionToken = accessKeyId.startsWith("ASIA") ? randomString(next, AWS_SECRET_CHARS, 200) : undefined;
      const value = normalizeKeyValue("aws", { accessKeyId, secretAccessKey, sessionToken });
      const mask = maskKeyValue("aws", value);
      expect(mask).toBe(`${accessKeyId.slice(0, 4)}${ELLIPSIS}${accessKeyId.slice(-4)}`);
      expect(mask).not.toMatch(/[a-z/+=]/);
      for (let j = 0; j + 4 <= secretAccessKey.length; j++) {
        if (!/^[A-Z0-9]{4}$/.test(secretAccessKey.slice(j, j + 4))) continue;
        // Any 4 upper-case/digit chars shared with the secret must come from the id itself.
        if (mask.includes(secretAccessKey.slice(j, j + 4))) expect(accessKeyId).toContain(secretAccessKey.slice(j, j + 4));
      }
    }
  });
});
