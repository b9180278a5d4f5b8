import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  generateDataKey,
  type SecretBinding,
} from "../../src/crypto/index.js";
import { expectDecryptionFailure, singleBitFlips, singleCharSubstitutions } from "./tamper.js";

const dek = generateDataKey();
const binding: SecretBinding = { keyId: "key_A", owner: { type: "user", id: "usr_1" }, service: "openai" };

function payloadOf(stored: string): Buffer {
  return Buffer.from(stored.slice("kh1.".length), "base64url");
}

function storedFrom(payload: Buffer): string {
  return `kh1.${payload.toString("base64url")}`;
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
      expect(stored).toMatch(/^kh1\.[A-Za-z0-9_-]+$/);
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
    const text = stored.slice("kh1.".length);
    for (const { changed } of singleCharSubstitutions(text)) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, `kh1.${changed}`));
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
    const body = stored.slice("kh1.".length);
    for (const prefix of ["kh2.", "KH1.", "kh0.", "", ".", "kh1..", "kh1.1."]) {
      expectDecryptionFailure(() => decryptSecret(dek, binding, prefix + body));
    }
  });

  it("refuses garbage", () => {
    for (const garbage of ["", "kh1.", "kh1.!!!!", "kh1.a b", "kh1.abc=", "kh1.ab+/", "not encrypted", "{}", "kh1.\u00e9"]) {
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
  };
  for (const [name, other] of Object.entries(others)) {
    it(`fails for ${name}`, () => {
      expectDecryptionFailure(() => decryptSecret(dek, other, stored));
    });
  }

  it("cannot shift characters between fields", () => {
    const base: SecretBinding = { keyId: "k", owner: { type: "user", id: "ab" }, service: "c" };
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
