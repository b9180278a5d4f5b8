import { describe, expect, it } from "vitest";
import {
  canonicalDigest,
  canonicalJson,
  decryptSecret,
  encryptSecret,
  generateDataKey,
  isLegacySecret,
  type SecretBinding,
} from "../../src/crypto/index.js";
import { encryptLegacyKh1 } from "./legacy-kh1.js";
import { expectDecryptionFailure, singleBitFlips, singleCharSubstitutions } from "./tamper.js";

const dek = generateDataKey();
const binding: SecretBinding = { keyId: "key_A", owner: { type: "user", id: "usr_1" }, service: "openai", version: 1, config: {} };

function payloadOf(stored: string): Buffer {
  return Buffer.from(stored.slice("kh2.".length), "base64url");
}

function storedFrom(payload: Buffer): string {
  return `kh2.${payload.toString("base64url")}`;
}

describe("secret box round trip", () => {
  const values = {
    ascii: "sk-live-abcd1234",
    unicode: "clé-🔑-密钥-Ω\u0000\u{10FFFF}",
    "single char": "x",
    empty: "",
    whitespace: "  \n\t ",
    "10 KB": "a1b2c3d4e5".repeat(1024),
  };
  for (const [name, value] of Object.entries(values)) {
    it(`round trips ${name}`, () => {
      const stored = encryptSecret(dek, binding, value);
      expect(stored).toMatch(/^kh2\.[A-Za-z0-9_-]+$/);
      expect(decryptSecret(dek, binding, stored)).toBe(value);
    });
  }

  it("does not contain the plaintext", () => {
    const stored = encryptSecret(dek, binding, "sk-live-abcd1234");
    expect(stored).not.toContain("sk-live");
    expect(payloadOf(stored).includes(Buffer.from("sk-live"))).toBe(false);
  });
});

describe("secret box tamper detection", () => {
  // 16-byte plaintext → 44-byte payload, so the base64url text has unused trailing bits.
  const stored = encryptSecret(dek, binding, "sk-live-abcd1234");
  const payload = payloadOf(stored);

  it("refuses every single-bit flip of iv, ciphertext and tag", () => {
    let tried = 0;
    for (const { flipped } of singleBitFlips(payload)) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, storedFrom(flipped)));
      tried++;
    }
    expect(tried).toBe(payload.length * 8);
    expect(payload.length).toBe(12 + 16 + 16);
  });

  it("refuses every single-character change of the stored text, including non-canonical base64url", () => {
    const text = stored.slice("kh2.".length);
    for (const { changed } of singleCharSubstitutions(text)) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, `kh2.${changed}`));
    }
  });

  it("refuses truncated input of every length", () => {
    for (let length = 0; length < payload.length; length++) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, storedFrom(payload.subarray(0, length))));
    }
    for (let length = 0; length < stored.length; length++) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, stored.slice(0, length)));
    }
  });

  it("refuses extended input", () => {
    expectDecryptionFailure(() => decryptSecret(dek, binding, storedFrom(Buffer.concat([payload, Buffer.from([0])]))));
    expectDecryptionFailure(() => decryptSecret(dek, binding, `${stored}.x`));
  });

  it("refuses a wrong or missing prefix", () => {
    const body = stored.slice("kh2.".length);
    // kh1 is a real (older) format, but its AAD differs: a kh2 body relabelled kh1 fails too.
    for (const prefix of ["kh1.", "KH2.", "kh0.", "kh3.", "", ".", "kh2..", "kh2.1."]) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, prefix + body));
    }
  });

  it("refuses garbage", () => {
    for (const garbage of ["", "kh1.", "kh2.", "kh2.!!!!", "kh2.a b", "kh2.abc=", "kh2.ab+/", "not encrypted", "{}", "kh2.\u00e9"]) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, garbage));
    }
  });

  it("refuses another data key", () => {
    expectDecryptionFailure(() => decryptSecret(generateDataKey(), binding, stored));
  });

  it("keeps ciphertext and plaintext out of the error", () => {
    try {
      decryptSecret(generateDataKey(), binding, stored);
      expect.unreachable();
    } catch (error) {
      const text = `${(error as Error).message} ${(error as Error).stack ?? ""} ${JSON.stringify(error)}`;
      expect(text).not.toContain(stored.slice(4, 20));
      expect(text).not.toContain("sk-live");
    }
  });
});

describe("secret box binding", () => {
  const stored = encryptSecret(dek, binding, "sk-bound");

  it("decrypts with the binding it was made for", () => {
    expect(decryptSecret(dek, { ...binding, owner: { ...binding.owner } }, stored)).toBe("sk-bound");
  });

  const others: Record<string, SecretBinding> = {
    "another key id": { ...binding, keyId: "key_B" },
    "another owner id": { ...binding, owner: { type: "user", id: "usr_2" } },
    "another owner type with the same id": { ...binding, owner: { type: "team", id: "usr_1" } },
    "another service": { ...binding, service: "anthropic" },
    "another version (older)": { ...binding, version: 0 },
    "another version (newer)": { ...binding, version: 2 },
    "a config where there was none": { ...binding, config: { region: "us-east-1" } },
  };
  for (const [name, other] of Object.entries(others)) {
    it(`fails for ${name}`, () => {
      expectDecryptionFailure(() => decryptSecret(dek, other, stored));
    });
  }

  it("refuses a non-integer or out-of-range version without decrypting", () => {
    for (const version of [1.5, -1, Number.NaN, 2 ** 60]) expectDecryptionFailure(() => decryptSecret(dek, { ...binding, version }, stored));
    expect(() => encryptSecret(dek, { ...binding, version: 0 }, "x")).toThrow(RangeError);
  });

  it("cannot shift characters between fields", () => {
    const base: SecretBinding = { keyId: "k", owner: { type: "user", id: "ab" }, service: "c", version: 1, config: {} };
    // Each pair would collide under plain or delimiter-joined concatenation.
    const pairs: [SecretBinding, SecretBinding][] = [
      [base, { ...base, owner: { type: "user", id: "a" }, service: "bc" }],
      [base, { ...base, keyId: "ku", owner: { type: "user", id: "ab" }, service: "c" }],
      [
        { ...base, owner: { type: "user", id: "a|b" }, service: "c" },
        { ...base, owner: { type: "user", id: "a" }, service: "b|c" },
      ],
      [
        { ...base, owner: { type: "user", id: "a\",\"b" }, service: "c" },
        { ...base, owner: { type: "user", id: "a" }, service: "b\",\"c" },
      ],
    ];
    for (const [sealedFor, other] of pairs) {
      const sealed = encryptSecret(dek, sealedFor, "v");
      expect(decryptSecret(dek, sealedFor, sealed)).toBe("v");
      expectDecryptionFailure(() => decryptSecret(dek, other, sealed));
    }
  });
});

describe("secret box IV uniqueness", () => {
  it("never repeats an IV or a ciphertext over 100,000 encryptions of one value", () => {
    const count = 100_000;
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < count; i++) {
      const stored = encryptSecret(dek, binding, "same value every time");
      ivs.add(payloadOf(stored).subarray(0, 12).toString("base64"));
      ciphertexts.add(stored);
    }
    expect(ivs.size).toBe(count);
    expect(ciphertexts.size).toBe(count);
  });
});

describe("secret box binds where the secret goes: every config field", () => {
  const custom: SecretBinding = {
    keyId: "key_C",
    owner: { type: "user", id: "usr_1" },
    service: "custom",
    version: 3,
    config: { baseUrl: "https://llm.example.com/v1", headerName: "Authorization", headerPrefix: "Bearer " },
  };
  const aws: SecretBinding = { ...custom, service: "aws", config: { region: "eu-west-1" } };
  const sealedCustom = encryptSecret(dek, custom, "ck_secret");
  const sealedAws = encryptSecret(dek, aws, "aws_secret");
  const cfg = custom.config as Record<string, string>;

  const edits: [string, SecretBinding, string][] = [
    ["baseUrl", { ...custom, config: { ...cfg, baseUrl: "https://attacker.example/v1" } }, sealedCustom],
    ["baseUrl, by one character", { ...custom, config: { ...cfg, baseUrl: "https://llm.example.com/v2" } }, sealedCustom],
    ["headerName", { ...custom, config: { ...cfg, headerName: "X-Forward-To-Me" } }, sealedCustom],
    ["headerPrefix", { ...custom, config: { ...cfg, headerPrefix: "" } }, sealedCustom],
    ["a field added", { ...custom, config: { ...cfg, extra: 1 } }, sealedCustom],
    ["a field removed", { ...custom, config: { baseUrl: cfg.baseUrl, headerName: cfg.headerName } }, sealedCustom],
    ["a value's type", { ...custom, config: { ...cfg, headerPrefix: null } }, sealedCustom],
    ["region", { ...aws, config: { region: "us-east-1" } }, sealedAws],
  ];
  for (const [name, edited, sealed] of edits) {
    it(`fails when ${name} changes`, () => {
      expectDecryptionFailure(() => decryptSecret(dek, edited, sealed));
    });
  }

  it("binds the config by value, not by key order or spacing", () => {
    const reordered = { headerPrefix: "Bearer ", baseUrl: "https://llm.example.com/v1", headerName: "Authorization" };
    expect(decryptSecret(dek, { ...custom, config: reordered }, sealedCustom)).toBe("ck_secret");
    expect(decryptSecret(dek, { ...custom, config: JSON.parse(JSON.stringify(cfg, null, 2)) }, sealedCustom)).toBe("ck_secret");
  });
});

describe("canonical JSON", () => {
  it("sorts keys at every level and is equal for equal values", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: "s" } })).toBe('{"a":{"c":"s","d":[2,{"x":2,"y":1}]},"b":1}');
    expect(canonicalDigest({ a: 1, b: 2 })).toBe(canonicalDigest({ b: 2, a: 1 }));
    expect(canonicalDigest({ a: 1 })).not.toBe(canonicalDigest({ a: "1" }));
    expect(canonicalDigest({})).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes what JSON.stringify would for the values a database round trip keeps", () => {
    const value = { s: "é\"\n", n: -1.5e-7, t: true, z: null, arr: [null, "x"], u: undefined };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson({ a: [undefined] })).toBe(JSON.stringify({ a: [undefined] }));
  });
});

describe("secret box legacy kh1 secrets", () => {
  const legacy = encryptLegacyKh1(dek, binding, "sk-old-format");

  it("still open, whatever config and version the row has now", () => {
    expect(isLegacySecret(legacy)).toBe(true);
    expect(decryptSecret(dek, binding, legacy)).toBe("sk-old-format");
    expect(decryptSecret(dek, { ...binding, version: 7, config: { any: "thing" } }, legacy)).toBe("sk-old-format");
  });

  it("still fail for another key id, owner or service", () => {
    expectDecryptionFailure(() => decryptSecret(dek, { ...binding, keyId: "key_B" }, legacy));
    expectDecryptionFailure(() => decryptSecret(dek, { ...binding, owner: { type: "team", id: "usr_1" } }, legacy));
    expectDecryptionFailure(() => decryptSecret(dek, { ...binding, service: "groq" }, legacy));
  });

  it("are never written: new secrets are kh2", () => {
    expect(isLegacySecret(encryptSecret(dek, binding, "x"))).toBe(false);
  });
});
