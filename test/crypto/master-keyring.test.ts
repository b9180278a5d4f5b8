import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  computeKeyCheckValue,
  createMasterKeyring,
  generateMasterKeyBase64,
  keyCheckMatches,
  parseMasterKeyBase64,
} from "../../src/crypto/index.js";

describe("createMasterKeyring", () => {
  it("returns each key by version and exposes the current version", () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const ring = createMasterKeyring([{ version: 1, key: k1 }, { version: 2, key: k2 }], 2);
    expect(ring.currentVersion).toBe(2);
    expect(ring.keyFor(1)?.equals(k1)).toBe(true);
    expect(ring.keyFor(2)?.equals(k2)).toBe(true);
    expect(ring.keyFor(3)).toBeUndefined();
  });

  it("is not changed when the caller later overwrites its buffer", () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const ring = createMasterKeyring([{ version: 1, key }], 1);
    key.fill(0);
    expect(ring.keyFor(1)?.equals(copy)).toBe(true);
  });

  it("refuses bad sizes, bad versions, duplicates and a missing current version", () => {
    const key = randomBytes(32);
    expect(() => createMasterKeyring([{ version: 1, key: randomBytes(31) }], 1)).toThrow(/exactly 32 bytes \(got 31 bytes\)/);
    expect(() => createMasterKeyring([{ version: 1, key: randomBytes(33) }], 1)).toThrow(/got 33 bytes/);
    for (const version of [0, -1, 1.5, Number.NaN]) {
      expect(() => createMasterKeyring([{ version, key }], version)).toThrow(/positive integer/);
    }
    expect(() => createMasterKeyring([{ version: 1, key }, { version: 1, key }], 1)).toThrow(/twice/);
    expect(() => createMasterKeyring([{ version: 1, key }], 2)).toThrow(/not in the keyring/);
    expect(() => createMasterKeyring([], 1)).toThrow(/not in the keyring/);
  });

  it("never puts key bytes in its errors", () => {
    const key = randomBytes(31);
    try {
      createMasterKeyring([{ version: 1, key }], 1);
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain(key.toString("base64"));
      expect(message).not.toContain(key.toString("hex"));
    }
  });
});

describe("parseMasterKeyBase64", () => {
  it("accepts a generated key, with or without padding and surrounding whitespace", () => {
    const text = generateMasterKeyBase64();
    const key = parseMasterKeyBase64(text);
    expect(key.length).toBe(32);
    expect(key.toString("base64")).toBe(text);
    expect(parseMasterKeyBase64(text.replace(/=+$/, "")).equals(key)).toBe(true);
    expect(parseMasterKeyBase64(`  \n${text}\t\n`).equals(key)).toBe(true);
  });

  it("generates a different key each time", () => {
    expect(generateMasterKeyBase64()).not.toBe(generateMasterKeyBase64());
  });

  function expectRefused(input: string, pattern: RegExp): void {
    let caught: unknown;
    try {
      parseMasterKeyBase64(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    const message = (caught as Error).message;
    expect(message).toMatch(pattern);
    if (input.trim().length > 0) expect(message).not.toContain(input.trim());
  }

  it("refuses 31 and 33 bytes, telling the size but not the key", () => {
    expectRefused(randomBytes(31).toString("base64"), /must be base64 of exactly 32 bytes \(got 31 bytes\)/);
    expectRefused(randomBytes(33).toString("base64"), /must be base64 of exactly 32 bytes \(got 33 bytes\)/);
  });

  it("refuses empty and whitespace-only input", () => {
    expectRefused("", /got 0 bytes|not valid base64/);
    expectRefused("   \n", /got 0 bytes|not valid base64/);
  });

  it("refuses input that is not canonical base64", () => {
    const good = generateMasterKeyBase64(); // 43 characters and one "="
    const notBase64 = [
      "this is not base64 at all!!!",
      `${good.slice(0, 20)}*${good.slice(21)}`, // a junk character
      `${good.slice(0, 20)} ${good.slice(20)}`, // inner whitespace
      `${good.slice(0, 20)}\n${good.slice(20)}`,
      good.replace(/=$/, "==="), // too much padding
      `=${good}`,
      good.replace(/[A-Za-z0-9+/]=$/, "B="), // stray bits in the last character
      good.replace(/=$/, "").replace(/\+/g, "-").replace(/\//g, "_") + "-", // base64url alphabet
      `${good.slice(0, -1)}A`, // padding replaced by data: 33 bytes
    ];
    for (const input of notBase64) {
      let caught: unknown;
      try {
        parseMasterKeyBase64(input);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(input)).toBeInstanceOf(Error);
      expect((caught as Error).message).not.toContain(good.slice(0, 20));
    }
  });

  it("refuses a key with a character replaced by one outside the alphabet", () => {
    expectRefused(`${"A".repeat(42)}?=`, /not valid base64/);
    expectRefused(`${"A".repeat(42)}%=`, /not valid base64/);
  });
});

describe("key check value", () => {
  const kek = randomBytes(32);

  it("matches for the same key and is stable", () => {
    const stored = computeKeyCheckValue(kek);
    expect(computeKeyCheckValue(Buffer.from(kek))).toBe(stored);
    expect(keyCheckMatches(kek, stored)).toBe(true);
  });

  it("does not match for another key, or for a malformed stored value", () => {
    const stored = computeKeyCheckValue(kek);
    expect(keyCheckMatches(randomBytes(32), stored)).toBe(false);
    expect(keyCheckMatches(kek, "")).toBe(false);
    expect(keyCheckMatches(kek, stored.slice(0, -2))).toBe(false);
    expect(keyCheckMatches(kek, `${stored}x`)).toBe(false);
  });

  it("reveals neither the key nor a plain hash of it", () => {
    const stored = computeKeyCheckValue(kek);
    expect(stored).not.toContain(kek.toString("base64").slice(0, 16));
    expect(Buffer.from(stored, "base64").length).toBe(32);
  });
});
